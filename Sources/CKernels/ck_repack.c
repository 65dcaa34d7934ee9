// Interleaved 8-row layout for the legacy 32-element types (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0), built once
// when a matrix is loaded, its matrix kernels, and the drivers shared with the K-quant layouts
// (ck_repack_k.c).
//
// In the file layout every (row, block) dot needs its own horizontal reduction and scalar scale
// work: ~16 instructions per 32 multiply-adds. Interleaving 8 rows so that one 32-bit lane of a
// VNNI dpbusd holds 4 consecutive elements of one row turns a block of 8 rows × 32 elements into 8
// dpbusd against 4 broadcast activation bytes, with the 8 row results landing in the 8 lanes: no
// reductions, one vector scale step per block, and the results are stored directly.
//
// Every legacy type is written as unsigned quants u with a per-(row, block) scale d and offset
// coefficient c, so that  w·x = Σ_blocks d·dx·Σ u·qx + c·sx  (sx = dx·Σ qx):
//   Q4_0: u = q (0..15), c = −8d     Q4_1: u = q, c = m
//   Q5_0: u = q (0..31), c = −16d    Q5_1: u = q, c = m
//   Q8_0: u = w + 128 (0..255), c = −128d
//
// Group-block (8 rows × one 32-element block column), for group g and block column b at
// ((g · nb) + b) · GB bytes:
//   [0, 16)    d of rows 0..7, IEEE half
//   [16, 32)   c of rows 0..7, IEEE half
//   Q4/Q5: [32, 160) four 32-byte vectors P_j (j = 0..3): byte 4r+i = u[r][4j+i] | u[r][4j+16+i] << 4
//   Q5:    [160, 192) eight uint32 masks H_j (j = 0..7): bit 4r+i = fifth bit of u[r][4j+i]
//   Q8:    [32, 288) eight 32-byte vectors U_j: byte 4r+i = u[r][4j+i]
// Rows past the end of the matrix (last group) are zero.
#include "ck_simd.h"
#include <stdatomic.h>
#include <stdlib.h>

#define CK_GROUP 8

// K-quant layouts live in ck_repack_k.c.
size_t ck_k_group_block_bytes(uint32_t type);
void ck_repack_k_groups(uint32_t type, const void *w, int64_t rows, int64_t columns, void *dst, int64_t g0,
                        int64_t g1);
void ck_group_q4_K(int64_t nb, const uint8_t *gw, const uint8_t *x, size_t xs, int ntok, float *out);
void ck_group_q5_K(int64_t nb, const uint8_t *gw, const uint8_t *x, size_t xs, int ntok, float *out);
void ck_group_q6_K(int64_t nb, const uint8_t *gw, const uint8_t *x, size_t xs, int ntok, float *out);

/// Bytes of one group-block (8 rows × one block column) of the repacked layout; 0 if none.
size_t ck_group_block_bytes(uint32_t type) {
    switch (type) {
    case CK_TYPE_Q4_0: case CK_TYPE_Q4_1: return 160;
    case CK_TYPE_Q5_0: case CK_TYPE_Q5_1: return 192;
    case CK_TYPE_Q8_0: return 288;
    default: return ck_k_group_block_bytes(type);
    }
}

size_t ck_repack_size(uint32_t type, int64_t rows, int64_t columns) {
    size_t gb = ck_group_block_bytes(type);
    int64_t be = ck_block_elements(type);
    if (!gb || be <= 0 || columns % be != 0 || rows <= 0) return 0;
    int64_t groups = (rows + CK_GROUP - 1) / CK_GROUP;
    return (size_t)groups * (size_t)(columns / be) * gb;
}

static inline ck_half float_to_half(float f) {
#if defined(__F16C__)
    return (ck_half)_cvtss_sh(f, _MM_FROUND_TO_NEAREST_INT);
#else
    // Only used for exact multiples of existing halves (−8d, −16d, −128d); simple conversion.
    uint32_t b;
    memcpy(&b, &f, 4);
    uint32_t sign = (b >> 16) & 0x8000;
    int32_t exp = (int32_t)((b >> 23) & 0xFF) - 127 + 15;
    uint32_t man = (b >> 13) & 0x3FF;
    if (exp <= 0) return (ck_half)sign;
    if (exp >= 31) return (ck_half)(sign | 0x7C00);
    return (ck_half)(sign | (uint32_t)exp << 10 | man);
#endif
}

static inline uint32_t load32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/// Repacks groups [g0, g1) of a legacy-type matrix.
///
/// The layout makes this a 4-byte transpose: for Q4/Q5, byte 4r+i of P_j is u[4j+i] | u[4j+16+i] << 4,
/// which is exactly byte 4j+i of row r's packed nibbles, so P_j's 32-bit lane r is word j of row r's
/// qs. Q5 masks take bits 4j..4j+3 of each row's qh; Q8_0 words get 0x80 added to every byte.
static void repack_legacy_groups(uint32_t type, const void *w, int64_t rows, int64_t columns, void *dst,
                                 int64_t g0, int64_t g1) {
    const size_t gb = ck_group_block_bytes(type);
    const int64_t nb = columns / CK_QK;
    const size_t row_size = ck_row_size(type, columns), blk_size = ck_row_size(type, CK_QK);
    // Byte offsets inside a file block: scale d at 0; m (Q4_1/Q5_1) at 2; qh; qs.
    const int has_m = type == CK_TYPE_Q4_1 || type == CK_TYPE_Q5_1;
    const int is_q5 = type == CK_TYPE_Q5_0 || type == CK_TYPE_Q5_1;
    const size_t qh_off = has_m ? 4 : 2;
    const size_t qs_off = type == CK_TYPE_Q8_0 ? 2 : qh_off + (is_q5 ? 4 : 0);
    const float c_factor = type == CK_TYPE_Q4_0 ? -8.0f : type == CK_TYPE_Q5_0 ? -16.0f : -128.0f;
    uint8_t *out = (uint8_t *)dst + (size_t)g0 * (size_t)nb * gb;
    for (int64_t g = g0; g < g1; g++) {
        const uint8_t *src[CK_GROUP];
        for (int r = 0; r < CK_GROUP; r++) {
            int64_t row = g * CK_GROUP + r;
            src[r] = row < rows ? (const uint8_t *)w + (size_t)row * row_size : NULL;
        }
        for (int64_t b = 0; b < nb; b++, out += gb) {
            uint32_t *o32 = (uint32_t *)(void *)out;  // dst is at least 4-byte aligned (gb % 4 == 0)
            ck_half d[CK_GROUP] = {0}, c[CK_GROUP] = {0};
            uint32_t words[CK_GROUP][8];
            uint32_t qh[CK_GROUP] = {0};
            for (int r = 0; r < CK_GROUP; r++) {
                if (!src[r]) {
                    // Padding rows: zero scales; quants 0 (Q8_0: 0x80, i.e. weight 0).
                    for (int j = 0; j < 8; j++) words[r][j] = 0;
                    continue;
                }
                const uint8_t *blk = src[r] + (size_t)b * blk_size;
                memcpy(&d[r], blk, 2);
                if (has_m) memcpy(&c[r], blk + 2, 2); else c[r] = float_to_half(c_factor * ck_h2f(d[r]));
                const int nwords = type == CK_TYPE_Q8_0 ? 8 : 4;
                for (int j = 0; j < nwords; j++) words[r][j] = load32(blk + qs_off + 4 * j);
                if (is_q5) qh[r] = load32(blk + qh_off);
            }
            memcpy(out, d, 16);
            memcpy(out + 16, c, 16);
            if (type == CK_TYPE_Q8_0) {
                for (int j = 0; j < 8; j++)
                    for (int r = 0; r < CK_GROUP; r++) o32[8 + 8 * j + r] = words[r][j] ^ 0x80808080u;
            } else {
                for (int j = 0; j < 4; j++)
                    for (int r = 0; r < CK_GROUP; r++) o32[8 + 8 * j + r] = words[r][j];
                if (is_q5) {
                    for (int j = 0; j < 8; j++) {
                        uint32_t m = 0;
                        for (int r = 0; r < CK_GROUP; r++) m |= ((qh[r] >> (4 * j)) & 0xFu) << (4 * r);
                        o32[40 + j] = m;
                    }
                }
            }
        }
    }
}

typedef struct {
    uint32_t type;
    const void *w;
    int64_t rows, columns, groups;
    void *dst;
    _Atomic int64_t next;
} ck_repack_job;

static void repack_task(void *ctx, int ith, int nth) {
    (void)ith; (void)nth;
    ck_repack_job *job = ctx;
    const int64_t chunk = 16;
    for (;;) {
        int64_t g0 = atomic_fetch_add_explicit(&job->next, chunk, memory_order_relaxed);
        if (g0 >= job->groups) break;
        int64_t g1 = g0 + chunk < job->groups ? g0 + chunk : job->groups;
        if (ck_act_kind(job->type) == CK_ACT_Q8K) {
            ck_repack_k_groups(job->type, job->w, job->rows, job->columns, job->dst, g0, g1);
        } else {
            repack_legacy_groups(job->type, job->w, job->rows, job->columns, job->dst, g0, g1);
        }
    }
}

int ck_repack(uint32_t type, const void *w, int64_t rows, int64_t columns, void *dst) {
    if (!ck_repack_size(type, rows, columns)) return 0;
    ck_repack_job job = {.type = type, .w = w, .rows = rows, .columns = columns,
                         .groups = (rows + CK_GROUP - 1) / CK_GROUP, .dst = dst};
    atomic_init(&job.next, 0);
    if (job.groups <= 16) repack_task(&job, 0, 1); else ck_parallel(repack_task, &job);
    return 1;
}

// ---- Kernels -------------------------------------------------------------------------------------


#if CK_HAVE_AVX2
// KIND: 0 = Q4 (nibbles), 1 = Q5 (nibbles + masks), 2 = Q8 (bytes).
static inline __attribute__((always_inline)) void group_impl(int64_t nb, const uint8_t *gw, const uint8_t *x,
                                                             size_t xs, const int NT, const int KIND,
                                                             float *out) {
    const size_t gb = KIND == 0 ? 160 : KIND == 1 ? 192 : 288;
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    __m256 acc[4];
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();
    for (int64_t b = 0; b < nb; b++, gw += gb) {
        const __m256 d = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)gw));
        const __m256 c = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(gw + 16)));
        __m256i u[8];
        if (KIND == 2) {
            for (int j = 0; j < 8; j++) u[j] = _mm256_loadu_si256((const __m256i *)(gw + 32 + 32 * j));
        } else {
            for (int j = 0; j < 4; j++) {
                __m256i p = _mm256_loadu_si256((const __m256i *)(gw + 32 + 32 * j));
                u[j] = _mm256_and_si256(p, m4);
                u[j + 4] = _mm256_and_si256(_mm256_srli_epi16(p, 4), m4);
            }
            if (KIND == 1) {
                for (int j = 0; j < 8; j++) {
                    uint32_t h;
                    memcpy(&h, gw + 160 + 4 * j, 4);
                    u[j] = _mm256_or_si256(u[j], ck_bits_to_0x10(h));
                }
            }
        }
        for (int t = 0; t < NT; t++) {
            const ck_block_q8x *xb = (const ck_block_q8x *)(x + (size_t)t * xs) + b;
            int32_t xq[8];
            memcpy(xq, xb->qs, 32);
            __m256i s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256();
            if (KIND == 2) {  // u up to 255
                s0 = ck_dpbusd_full(s0, u[0], _mm256_set1_epi32(xq[0]));
                s1 = ck_dpbusd_full(s1, u[1], _mm256_set1_epi32(xq[1]));
                s0 = ck_dpbusd_full(s0, u[2], _mm256_set1_epi32(xq[2]));
                s1 = ck_dpbusd_full(s1, u[3], _mm256_set1_epi32(xq[3]));
                s0 = ck_dpbusd_full(s0, u[4], _mm256_set1_epi32(xq[4]));
                s1 = ck_dpbusd_full(s1, u[5], _mm256_set1_epi32(xq[5]));
                s0 = ck_dpbusd_full(s0, u[6], _mm256_set1_epi32(xq[6]));
                s1 = ck_dpbusd_full(s1, u[7], _mm256_set1_epi32(xq[7]));
            } else {
                s0 = ck_dpbusd(s0, u[0], _mm256_set1_epi32(xq[0]));
                s1 = ck_dpbusd(s1, u[1], _mm256_set1_epi32(xq[1]));
                s0 = ck_dpbusd(s0, u[2], _mm256_set1_epi32(xq[2]));
                s1 = ck_dpbusd(s1, u[3], _mm256_set1_epi32(xq[3]));
                s0 = ck_dpbusd(s0, u[4], _mm256_set1_epi32(xq[4]));
                s1 = ck_dpbusd(s1, u[5], _mm256_set1_epi32(xq[5]));
                s0 = ck_dpbusd(s0, u[6], _mm256_set1_epi32(xq[6]));
                s1 = ck_dpbusd(s1, u[7], _mm256_set1_epi32(xq[7]));
            }
            __m256 sum = _mm256_cvtepi32_ps(_mm256_add_epi32(s0, s1));
            acc[t] = _mm256_fmadd_ps(_mm256_mul_ps(sum, d), _mm256_set1_ps(xb->d), acc[t]);
            acc[t] = _mm256_fmadd_ps(c, _mm256_set1_ps(xb->s), acc[t]);
        }
    }
    for (int t = 0; t < NT; t++) _mm256_storeu_ps(out + 8 * t, acc[t]);
}

#define CK_GROUP_KERNEL(NAME, KIND)                                                                   \
    static void NAME(int64_t nb, const uint8_t *gw, const uint8_t *x, size_t xs, int ntok, float *out) { \
        switch (ntok) {                                                                               \
        case 1: group_impl(nb, gw, x, xs, 1, KIND, out); break;                                       \
        case 2: group_impl(nb, gw, x, xs, 2, KIND, out); break;                                       \
        case 3: group_impl(nb, gw, x, xs, 3, KIND, out); break;                                       \
        default: group_impl(nb, gw, x, xs, 4, KIND, out); break;                                      \
        }                                                                                             \
    }
CK_GROUP_KERNEL(group_q4, 0)
CK_GROUP_KERNEL(group_q5, 1)
CK_GROUP_KERNEL(group_q8, 2)

#else
// Portable fallback with the same arithmetic.
static void group_generic(int64_t nb, const uint8_t *gw, const uint8_t *x, size_t xs, int ntok, float *out,
                          int kind) {
    const size_t gb = kind == 0 ? 160 : kind == 1 ? 192 : 288;
    for (int t = 0; t < ntok; t++)
        for (int r = 0; r < 8; r++) out[8 * t + r] = 0;
    for (int64_t b = 0; b < nb; b++, gw += gb) {
        for (int r = 0; r < 8; r++) {
            ck_half hd, hc;
            memcpy(&hd, gw + 2 * r, 2);
            memcpy(&hc, gw + 16 + 2 * r, 2);
            float d = ck_h2f(hd), c = ck_h2f(hc);
            uint8_t u[32];
            for (int k = 0; k < 32; k++) {
                int j = k / 4, i = k % 4;
                if (kind == 2) {
                    u[k] = gw[32 + 32 * j + 4 * r + i];
                } else {
                    uint8_t p = gw[32 + 32 * (j & 3) + 4 * r + i];
                    u[k] = j < 4 ? (p & 0xF) : (p >> 4);
                    if (kind == 1) {
                        uint32_t h;
                        memcpy(&h, gw + 160 + 4 * j, 4);
                        if (h >> (4 * r + i) & 1) u[k] |= 0x10;
                    }
                }
            }
            for (int t = 0; t < ntok; t++) {
                const ck_block_q8x *xb = (const ck_block_q8x *)(x + (size_t)t * xs) + b;
                int s = 0;
                for (int k = 0; k < 32; k++) s += u[k] * xb->qs[k];
                out[8 * t + r] += d * xb->d * (float)s + c * xb->s;
            }
        }
    }
}
static void group_q4(int64_t nb, const uint8_t *gw, const uint8_t *x, size_t xs, int ntok, float *out) {
    group_generic(nb, gw, x, xs, ntok, out, 0);
}
static void group_q5(int64_t nb, const uint8_t *gw, const uint8_t *x, size_t xs, int ntok, float *out) {
    group_generic(nb, gw, x, xs, ntok, out, 1);
}
static void group_q8(int64_t nb, const uint8_t *gw, const uint8_t *x, size_t xs, int ntok, float *out) {
    group_generic(nb, gw, x, xs, ntok, out, 2);
}
#endif

ck_group_kernel ck_group_kernel_for(uint32_t type) {
    switch (type) {
    case CK_TYPE_Q4_0: case CK_TYPE_Q4_1: return group_q4;
    case CK_TYPE_Q5_0: case CK_TYPE_Q5_1: return group_q5;
    case CK_TYPE_Q8_0: return group_q8;
    case CK_TYPE_Q4_K: return ck_group_q4_K;
    case CK_TYPE_Q5_K: return ck_group_q5_K;
    case CK_TYPE_Q6_K: return ck_group_q6_K;
    default: return 0;
    }
}
