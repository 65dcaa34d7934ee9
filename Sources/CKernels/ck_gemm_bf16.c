// Dense products in bfloat16 with float accumulation, for the sentence encoder's projections:
// Y[m][n] (=|+=) X[m][k] · Wᵀ + bias, W[n][k] packed once at load time.
//
// Packed layout: W is cut into panels of CK_BF16_NR (48) output columns; a panel stores, for each
// pair of inputs (2p, 2p+1), its 48 columns × 2 bfloat16 values, so one 64-byte load gives 16
// columns' pairs, exactly the operand of AVX-512 BF16's VDPBF16PS (dst[i] += a[2i]·b[2i] +
// a[2i+1]·b[2i+1]). k is padded to even and n to a multiple of 48 with zeros.
//
// The activations are rounded to bfloat16 (nearest even) per call, a chunk of rows at a time, into
// per-thread scratch; their row layout already pairs inputs, so a 32-bit broadcast of X[r][2p..2p+1]
// is the other operand. The micro-kernel keeps an 8 × 48 tile in 24 registers.
//
// Work goes out from an atomic counter in tasks of (a chunk of rows, a group of panels) over the
// kernels' thread pool. Without AVX-512 BF16 (checked at run time) a portable loop runs the same
// layout; ck_gemm_bf16_ref in ck_reference.c is the plain twin the tests compare against.
#include "ck_internal.h"
#include "ck_avx512.h"
#include <stdatomic.h>
#include <math.h>
#include <stdlib.h>

#define NR CK_BF16_NR
#define MR 8
#define MC 96  // rows per task: MC × k bfloat16 stays in L2 while the panels stream past

static inline int64_t even(int64_t k) { return (k + 1) & ~(int64_t)1; }
static inline int64_t panels(int64_t n) { return (n + NR - 1) / NR; }

size_t ck_bf16_packed_size(int64_t n, int64_t k) {
    if (n <= 0 || k <= 0) return 0;
    return (size_t)panels(n) * NR * (size_t)even(k) * sizeof(uint16_t);
}

void ck_bf16_pack(const float *w, int64_t n, int64_t k, uint16_t *dst) {
    const int64_t pairs = even(k) / 2, np = panels(n);
    for (int64_t j = 0; j < np; j++) {
        for (int64_t p = 0; p < pairs; p++) {
            uint16_t *out = dst + ((size_t)(j * pairs + p) * NR) * 2;
            for (int c = 0; c < NR; c++) {
                const int64_t col = j * NR + c;
                for (int e = 0; e < 2; e++) {
                    const int64_t kk = 2 * p + e;
                    out[2 * c + e] = (col < n && kk < k) ? ck_float_to_bf16(w[col * k + kk]) : 0;
                }
            }
        }
    }
}

int ck_cpu_has_avx512bf16(void) {
#if defined(__x86_64__) && defined(__clang__)
    static _Atomic int cached = -1;
    int v = atomic_load_explicit(&cached, memory_order_relaxed);
    if (v < 0) {
        __builtin_cpu_init();
        v = __builtin_cpu_supports("avx512bf16") && __builtin_cpu_supports("avx512bw")
            && __builtin_cpu_supports("avx512vl") ? 1 : 0;
        atomic_store_explicit(&cached, v, memory_order_relaxed);
    }
    return v;
#else
    return 0;
#endif
}


/// Per-thread scratch for one chunk of bfloat16 activations (grown on demand, never shrunk).
static _Thread_local void *a_scratch = NULL;
static _Thread_local size_t a_scratch_size = 0;

static uint16_t *scratch_rows(size_t elements) {
    return ck_scratch_grow(&a_scratch, &a_scratch_size, elements * sizeof(uint16_t));
}

/// Exact (erf) GELU, 0.5 x (1 + erf(x / √2)), erf from Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7).
static inline float gelu_scalar(float x) {
    const float z = fabsf(x) * 0.70710678f;
    const float t = 1.0f / (1.0f + 0.3275911f * z);
    const float p = ((((1.061405429f * t - 1.453152027f) * t + 1.421413741f) * t - 0.284496736f) * t + 0.254829592f) * t;
    const float e = 1.0f - p * expf(-z * z);
    return 0.5f * x * (1.0f + (x < 0 ? -e : e));
}

/// Writes a computed tile (rows × NR floats, row stride NR) into Y: the valid rows and columns only,
/// adding the bias, then GELU or accumulation as the flags say.
static void store_tile(const float *tile, int rows, float *y, int64_t ldy, int64_t col0, int64_t n,
                       const float *bias, int flags) {
    const int cols = (int)(n - col0 < NR ? n - col0 : NR);
    for (int r = 0; r < rows; r++) {
        float *out = y + r * ldy + col0;
        const float *t = tile + r * NR;
        for (int c = 0; c < cols; c++) {
            float v = t[c] + (bias ? bias[col0 + c] : 0.0f);
            if (flags & CK_GEMM_GELU) v = gelu_scalar(v);
            out[c] = (flags & CK_GEMM_ACCUMULATE) ? out[c] + v : v;
        }
    }
}

// ---- Portable micro-kernel (any CPU): the same packed layout, plain float arithmetic ------------
static void tile_portable(const uint16_t *a, int64_t lda, const uint16_t *b, int64_t pairs, float *tile) {
    float acc[MR][NR];
    memset(acc, 0, sizeof acc);
    for (int64_t p = 0; p < pairs; p++) {
        const uint16_t *bp = b + (size_t)p * NR * 2;
        float b0[NR], b1[NR];
        for (int c = 0; c < NR; c++) { b0[c] = ck_bf16_to_float(bp[2 * c]); b1[c] = ck_bf16_to_float(bp[2 * c + 1]); }
        for (int r = 0; r < MR; r++) {
            const float a0 = ck_bf16_to_float(a[r * lda + 2 * p]), a1 = ck_bf16_to_float(a[r * lda + 2 * p + 1]);
            for (int c = 0; c < NR; c++) acc[r][c] += a0 * b0[c] + a1 * b1[c];
        }
    }
    memcpy(tile, acc, sizeof acc);
}

static void convert_rows_portable(const float *x, int64_t k, int rows, int padded_rows, int64_t kp, uint16_t *dst) {
    for (int r = 0; r < padded_rows; r++)
        for (int64_t j = 0; j < kp; j++)
            dst[r * kp + j] = (r < rows && j < k) ? ck_float_to_bf16(x[r * k + j]) : 0;
}

// ---- AVX-512 BF16 micro-kernel -------------------------------------------------------------------
#if defined(__x86_64__) && defined(__clang__)
#define CK_BF16_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16")))

CK_BF16_TARGET
static void tile_avx512(const uint16_t *a, int64_t lda, const uint16_t *b, int64_t pairs, float *tile) {
    __m512 c00 = _mm512_setzero_ps(), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00;
    __m512 c20 = c00, c21 = c00, c22 = c00, c30 = c00, c31 = c00, c32 = c00;
    __m512 c40 = c00, c41 = c00, c42 = c00, c50 = c00, c51 = c00, c52 = c00;
    __m512 c60 = c00, c61 = c00, c62 = c00, c70 = c00, c71 = c00, c72 = c00;
    const int32_t *a32 = (const int32_t *)a;
    const int64_t lda32 = lda / 2;
    for (int64_t p = 0; p < pairs; p++) {
        const uint16_t *bp = b + (size_t)p * NR * 2;
        const __m512bh b0 = (__m512bh)_mm512_loadu_si512(bp);
        const __m512bh b1 = (__m512bh)_mm512_loadu_si512(bp + 32);
        const __m512bh b2 = (__m512bh)_mm512_loadu_si512(bp + 64);
#define CK_ROW(r)                                                                   \
        {                                                                           \
            const __m512bh av = (__m512bh)_mm512_set1_epi32(a32[(r) * lda32 + p]);  \
            c##r##0 = _mm512_dpbf16_ps(c##r##0, av, b0);                            \
            c##r##1 = _mm512_dpbf16_ps(c##r##1, av, b1);                            \
            c##r##2 = _mm512_dpbf16_ps(c##r##2, av, b2);                            \
        }
        CK_ROW(0) CK_ROW(1) CK_ROW(2) CK_ROW(3) CK_ROW(4) CK_ROW(5) CK_ROW(6) CK_ROW(7)
#undef CK_ROW
    }
#define CK_STORE(r)                                   \
    _mm512_storeu_ps(tile + (r) * NR, c##r##0);       \
    _mm512_storeu_ps(tile + (r) * NR + 16, c##r##1);  \
    _mm512_storeu_ps(tile + (r) * NR + 32, c##r##2);
    CK_STORE(0) CK_STORE(1) CK_STORE(2) CK_STORE(3) CK_STORE(4) CK_STORE(5) CK_STORE(6) CK_STORE(7)
#undef CK_STORE
}

CK_BF16_TARGET
static void convert_rows_avx512(const float *x, int64_t k, int rows, int padded_rows, int64_t kp, uint16_t *dst) {
    for (int r = 0; r < padded_rows; r++) {
        uint16_t *out = dst + r * kp;
        if (r >= rows) { memset(out, 0, (size_t)kp * sizeof(uint16_t)); continue; }
        const float *in = x + r * k;
        int64_t j = 0;
        for (; j + 32 <= k; j += 32) {
            __m512bh v = _mm512_cvtne2ps_pbh(_mm512_loadu_ps(in + j + 16), _mm512_loadu_ps(in + j));
            _mm512_storeu_si512(out + j, (__m512i)v);
        }
        for (; j < kp; j++) out[j] = j < k ? ck_float_to_bf16(in[j]) : 0;
    }
}

CK_BF16_TARGET
static void store_tile_avx512(const float *tile, int rows, float *y, int64_t ldy, int64_t col0, int64_t n,
                              const float *bias, int flags) {
    const int cols = (int)(n - col0 < NR ? n - col0 : NR);
    for (int v = 0; v < NR / 16; v++) {
        const int c0 = v * 16;
        if (c0 >= cols) break;
        const __mmask16 mask = cols - c0 >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (cols - c0)) - 1);
        const __m512 b = bias ? _mm512_maskz_loadu_ps(mask, bias + col0 + c0) : _mm512_setzero_ps();
        for (int r = 0; r < rows; r++) {
            float *out = y + r * ldy + col0 + c0;
            __m512 x = _mm512_add_ps(_mm512_loadu_ps(tile + r * NR + c0), b);
            if (flags & CK_GEMM_GELU) x = ck_gelu512(x);
            if (flags & CK_GEMM_ACCUMULATE) x = _mm512_add_ps(x, _mm512_maskz_loadu_ps(mask, out));
            _mm512_mask_storeu_ps(out, mask, x);
        }
    }
}
#endif

typedef void (*tile_fn)(const uint16_t *a, int64_t lda, const uint16_t *b, int64_t pairs, float *tile);
typedef void (*convert_fn)(const float *x, int64_t k, int rows, int padded_rows, int64_t kp, uint16_t *dst);
typedef void (*store_fn)(const float *tile, int rows, float *y, int64_t ldy, int64_t col0, int64_t n,
                         const float *bias, int flags);

typedef struct {
    tile_fn tile;
    convert_fn convert;
    store_fn store;
    const uint16_t *w;
    int64_t n, k;
    const float *x;
    int64_t m;
    float *y;
    const float *bias;
    int flags;
    int64_t chunks, groups;
    _Alignas(64) _Atomic int64_t next;  // own cache line
} ck_bf16_job;

static void gemm_task(void *ctx, int ith, int nth) {
    (void)ith; (void)nth;
    ck_bf16_job *job = ctx;
    const int64_t kp = even(job->k), pairs = kp / 2, np = panels(job->n);
    _Alignas(64) float tile[MR * NR];
    for (;;) {
        const int64_t t = atomic_fetch_add_explicit(&job->next, 1, memory_order_relaxed);
        if (t >= job->chunks * job->groups) break;
        const int64_t chunk = t / job->groups, group = t % job->groups;
        const int64_t m0 = chunk * MC;
        const int rows = (int)(job->m - m0 < MC ? job->m - m0 : MC);
        const int padded = (rows + MR - 1) / MR * MR;
        uint16_t *a = scratch_rows((size_t)padded * kp);
        if (!a) abort();
        job->convert(job->x + m0 * job->k, job->k, rows, padded, kp, a);
        const int64_t p0 = np * group / job->groups, p1 = np * (group + 1) / job->groups;
        for (int64_t j = p0; j < p1; j++) {
            const uint16_t *b = job->w + (size_t)j * pairs * NR * 2;
            for (int r0 = 0; r0 < rows; r0 += MR) {
                job->tile(a + (size_t)r0 * kp, kp, b, pairs, tile);
                job->store(tile, rows - r0 < MR ? rows - r0 : MR, job->y + (m0 + r0) * job->n, job->n,
                           j * NR, job->n, job->bias, job->flags);
            }
        }
    }
}

void ck_gemm_bf16(const uint16_t *packed, int64_t n, int64_t k, const float *x, int64_t m, float *y,
                  const float *bias, int flags) {
    if (m <= 0 || n <= 0 || k <= 0) return;
    ck_bf16_job job = {
        .tile = tile_portable, .convert = convert_rows_portable, .store = store_tile,
        .w = packed, .n = n, .k = k, .x = x, .m = m, .y = y, .bias = bias, .flags = flags,
    };
#if defined(__x86_64__) && defined(__clang__)
    if (!(flags & CK_GEMM_PORTABLE) && ck_cpu_has_avx512bf16()) { job.tile = tile_avx512; job.convert = convert_rows_avx512; job.store = store_tile_avx512; }
#endif
    job.chunks = (m + MC - 1) / MC;
    // Enough tasks for every thread to take several (one query's few rows split over panels).
    const int64_t want = 4 * (int64_t)ck_threads(), np = panels(n);
    job.groups = job.chunks >= want ? 1 : (want + job.chunks - 1) / job.chunks;
    if (job.groups > np) job.groups = np;
    atomic_init(&job.next, 0);
    if (job.chunks * job.groups == 1) gemm_task(&job, 0, 1);
    else ck_parallel(gemm_task, &job);
}
