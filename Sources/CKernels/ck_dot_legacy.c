// SIMD dot products for the legacy 32-element block types (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0) against
// q8x activations. Each weight block is unpacked once into 32 unsigned bytes q (or |w| for Q8_0)
// and multiplied with every token's activation block by one VNNI dpbusd:
//   w·x = Σ_blocks dw·dx·Σ q·qx + cw·sx,   where sx = dx·Σ qx and cw is −8dw (Q4_0), −16dw (Q5_0)
//   or the block minimum m (Q4_1, Q5_1).
#include "ck_simd.h"
#include <math.h>
#include <stdlib.h>

void ck_tile_generic(uint32_t type, int64_t n, const void *w, const void *x, size_t xs, int ntok,
                     float *out);

#if CK_HAVE_AVX2

// Unpackers: bytes q (unsigned), weight scale dw and correction coefficient cw.
static inline __m256i unpack_q4_0(const ck_block_q4_0 *b, float *dw, float *cw) {
    *dw = ck_h2f(b->d);
    *cw = -8.0f * *dw;
    return ck_unpack_nibbles16(b->qs);
}
static inline __m256i unpack_q4_1(const ck_block_q4_1 *b, float *dw, float *cw) {
    *dw = ck_h2f(b->d);
    *cw = ck_h2f(b->m);
    return ck_unpack_nibbles16(b->qs);
}
static inline uint32_t load_qh(const uint8_t *qh) {
    uint32_t v;
    memcpy(&v, qh, 4);
    return v;
}
static inline __m256i unpack_q5_0(const ck_block_q5_0 *b, float *dw, float *cw) {
    *dw = ck_h2f(b->d);
    *cw = -16.0f * *dw;
    return _mm256_or_si256(ck_unpack_nibbles16(b->qs), ck_bits_to_0x10(load_qh(b->qh)));
}
static inline __m256i unpack_q5_1(const ck_block_q5_1 *b, float *dw, float *cw) {
    *dw = ck_h2f(b->d);
    *cw = ck_h2f(b->m);
    return _mm256_or_si256(ck_unpack_nibbles16(b->qs), ck_bits_to_0x10(load_qh(b->qh)));
}

// One kernel body for the four nibble types; NT (1...4) is a compile-time constant after inlining.
// Two accumulator sets (even/odd blocks) hide the FMA latency in the single-token (decode) case.
#define CK_DEFINE_NIBBLE_TILE(NAME, BLOCK, UNPACK)                                                    \
    static inline __attribute__((always_inline)) void NAME##_impl(int64_t n, const BLOCK *w,          \
                                                                  const uint8_t *x, size_t xs,         \
                                                                  const int NT, float *out) {          \
        const int64_t nb = n / CK_QK;                                                                 \
        __m256 acc0[4], acc1[4];                                                                      \
        float corr[4];                                                                                \
        for (int t = 0; t < NT; t++) {                                                                \
            acc0[t] = _mm256_setzero_ps();                                                            \
            acc1[t] = _mm256_setzero_ps();                                                            \
            corr[t] = 0;                                                                              \
        }                                                                                             \
        int64_t ib = 0;                                                                               \
        for (; ib + 1 < nb; ib += 2) {                                                                \
            float dw0, cw0, dw1, cw1;                                                                 \
            __m256i q0 = UNPACK(&w[ib], &dw0, &cw0);                                                  \
            __m256i q1 = UNPACK(&w[ib + 1], &dw1, &cw1);                                              \
            for (int t = 0; t < NT; t++) {                                                            \
                const ck_block_q8x *xb = (const ck_block_q8x *)(x + (size_t)t * xs) + ib;             \
                __m256i p0 = ck_dpbusd(_mm256_setzero_si256(), q0,                                    \
                                       _mm256_loadu_si256((const __m256i *)xb[0].qs));                \
                __m256i p1 = ck_dpbusd(_mm256_setzero_si256(), q1,                                    \
                                       _mm256_loadu_si256((const __m256i *)xb[1].qs));                \
                acc0[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p0), _mm256_set1_ps(dw0 * xb[0].d), acc0[t]); \
                acc1[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p1), _mm256_set1_ps(dw1 * xb[1].d), acc1[t]); \
                corr[t] += cw0 * xb[0].s + cw1 * xb[1].s;                                             \
            }                                                                                         \
        }                                                                                             \
        for (; ib < nb; ib++) {                                                                       \
            float dw0, cw0;                                                                           \
            __m256i q0 = UNPACK(&w[ib], &dw0, &cw0);                                                  \
            for (int t = 0; t < NT; t++) {                                                            \
                const ck_block_q8x *xb = (const ck_block_q8x *)(x + (size_t)t * xs) + ib;             \
                __m256i p0 = ck_dpbusd(_mm256_setzero_si256(), q0,                                    \
                                       _mm256_loadu_si256((const __m256i *)xb[0].qs));                \
                acc0[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p0), _mm256_set1_ps(dw0 * xb[0].d), acc0[t]); \
                corr[t] += cw0 * xb[0].s;                                                             \
            }                                                                                         \
        }                                                                                             \
        for (int t = 0; t < NT; t++) out[t] = ck_hsum_ps(_mm256_add_ps(acc0[t], acc1[t])) + corr[t];  \
    }                                                                                                 \
    void ck_tile_##NAME(int64_t n, const void *w, const void *x, size_t xs, int ntok, float *out) {   \
        switch (ntok) {                                                                               \
        case 1: NAME##_impl(n, w, x, xs, 1, out); break;                                              \
        case 2: NAME##_impl(n, w, x, xs, 2, out); break;                                              \
        case 3: NAME##_impl(n, w, x, xs, 3, out); break;                                              \
        default: NAME##_impl(n, w, x, xs, 4, out); break;                                             \
        }                                                                                             \
    }

CK_DEFINE_NIBBLE_TILE(q4_0, ck_block_q4_0, unpack_q4_0)
CK_DEFINE_NIBBLE_TILE(q4_1, ck_block_q4_1, unpack_q4_1)
CK_DEFINE_NIBBLE_TILE(q5_0, ck_block_q5_0, unpack_q5_0)
CK_DEFINE_NIBBLE_TILE(q5_1, ck_block_q5_1, unpack_q5_1)

// Q8_0: signed weights; dpbusd needs one unsigned operand, so use |w| and move w's sign onto x.
static inline __attribute__((always_inline)) void q8_0_impl(int64_t n, const ck_block_q8_0 *w,
                                                            const uint8_t *x, size_t xs, const int NT,
                                                            float *out) {
    const int64_t nb = n / CK_QK;
    __m256 acc0[4], acc1[4];
    for (int t = 0; t < NT; t++) {
        acc0[t] = _mm256_setzero_ps();
        acc1[t] = _mm256_setzero_ps();
    }
    int64_t ib = 0;
    for (; ib + 1 < nb; ib += 2) {
        __m256i w0 = _mm256_loadu_si256((const __m256i *)w[ib].qs);
        __m256i w1 = _mm256_loadu_si256((const __m256i *)w[ib + 1].qs);
        __m256i a0 = _mm256_abs_epi8(w0), a1 = _mm256_abs_epi8(w1);
        float dw0 = ck_h2f(w[ib].d), dw1 = ck_h2f(w[ib + 1].d);
        for (int t = 0; t < NT; t++) {
            const ck_block_q8x *xb = (const ck_block_q8x *)(x + (size_t)t * xs) + ib;
            __m256i s0 = _mm256_sign_epi8(_mm256_loadu_si256((const __m256i *)xb[0].qs), w0);
            __m256i s1 = _mm256_sign_epi8(_mm256_loadu_si256((const __m256i *)xb[1].qs), w1);
            __m256i p0 = ck_dpbusd(_mm256_setzero_si256(), a0, s0);
            __m256i p1 = ck_dpbusd(_mm256_setzero_si256(), a1, s1);
            acc0[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p0), _mm256_set1_ps(dw0 * xb[0].d), acc0[t]);
            acc1[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p1), _mm256_set1_ps(dw1 * xb[1].d), acc1[t]);
        }
    }
    for (; ib < nb; ib++) {
        __m256i w0 = _mm256_loadu_si256((const __m256i *)w[ib].qs);
        __m256i a0 = _mm256_abs_epi8(w0);
        float dw0 = ck_h2f(w[ib].d);
        for (int t = 0; t < NT; t++) {
            const ck_block_q8x *xb = (const ck_block_q8x *)(x + (size_t)t * xs) + ib;
            __m256i s0 = _mm256_sign_epi8(_mm256_loadu_si256((const __m256i *)xb[0].qs), w0);
            __m256i p0 = ck_dpbusd(_mm256_setzero_si256(), a0, s0);
            acc0[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p0), _mm256_set1_ps(dw0 * xb[0].d), acc0[t]);
        }
    }
    for (int t = 0; t < NT; t++) out[t] = ck_hsum_ps(_mm256_add_ps(acc0[t], acc1[t]));
}

void ck_tile_q8_0(int64_t n, const void *w, const void *x, size_t xs, int ntok, float *out) {
    switch (ntok) {
    case 1: q8_0_impl(n, w, x, xs, 1, out); break;
    case 2: q8_0_impl(n, w, x, xs, 2, out); break;
    case 3: q8_0_impl(n, w, x, xs, 3, out); break;
    default: q8_0_impl(n, w, x, xs, 4, out); break;
    }
}

#else  // portable fallback

void ck_tile_q4_0(int64_t n, const void *w, const void *x, size_t xs, int ntok, float *out) {
    ck_tile_generic(CK_TYPE_Q4_0, n, w, x, xs, ntok, out);
}
void ck_tile_q4_1(int64_t n, const void *w, const void *x, size_t xs, int ntok, float *out) {
    ck_tile_generic(CK_TYPE_Q4_1, n, w, x, xs, ntok, out);
}
void ck_tile_q5_0(int64_t n, const void *w, const void *x, size_t xs, int ntok, float *out) {
    ck_tile_generic(CK_TYPE_Q5_0, n, w, x, xs, ntok, out);
}
void ck_tile_q5_1(int64_t n, const void *w, const void *x, size_t xs, int ntok, float *out) {
    ck_tile_generic(CK_TYPE_Q5_1, n, w, x, xs, ntok, out);
}
void ck_tile_q8_0(int64_t n, const void *w, const void *x, size_t xs, int ntok, float *out) {
    ck_tile_generic(CK_TYPE_Q8_0, n, w, x, xs, ntok, out);
}
#endif

/// Portable tile: dequantize the weight row in chunks and dot with the dequantized activations.
void ck_tile_generic(uint32_t type, int64_t n, const void *w, const void *x, size_t xs, int ntok,
                     float *out) {
    for (int t = 0; t < ntok; t++) out[t] = ck_vec_dot_ref(type, n, w, (const uint8_t *)x + (size_t)t * xs);
}
