// SIMD dot products for the K-quants (Q4_K, Q5_K, Q6_K) against q8K activations (blocks of 256).
// Per 32-byte chunk: maddubs(q, x) gives 16 int16 pair sums, dpwssd multiplies them by the sub-block
// scale and accumulates int32. The minimum/offset terms use the activation's 16-element sums:
//   Q4_K/Q5_K: w·x = dx·(d·Σ_j sc_j·Σ q·qx − dmin·Σ_j m_j·Σ_{sub-block j} qx)
//   Q6_K:      w·x = dx·d·(Σ_g sc_g·Σ q·qx − 32·Σ_g sc_g·bsum_g)       (q stored as unsigned 0..63)
#include "ck_simd.h"

void ck_tile_generic(uint32_t type, int64_t n, const void *w, const void *x, size_t xs, int ntok,
                     float *out);

#define CK_DISPATCH_NT(NAME)                                                                          \
    void ck_tile_##NAME(int64_t n, const void *w, const void *x, size_t xs, int ntok, float *out) {   \
        switch (ntok) {                                                                               \
        case 1: NAME##_impl(n, w, x, xs, 1, out); break;                                              \
        case 2: NAME##_impl(n, w, x, xs, 2, out); break;                                              \
        case 3: NAME##_impl(n, w, x, xs, 3, out); break;                                              \
        default: NAME##_impl(n, w, x, xs, 4, out); break;                                             \
        }                                                                                             \
    }

#if CK_HAVE_AVX2

/// Decodes the 8 six-bit scales and mins of a Q4_K/Q5_K super-block; mins come out as 16 int16
/// (each repeated for the two 16-element halves of its sub-block) to pair with bsums.
static inline void decode_scales_k4(const uint8_t *packed, uint8_t sc[8], __m256i *mins16) {
    int16_t m16[16];
    for (int j = 0; j < 8; j++) {
        uint8_t s, m;
        ck_scale_min_k4(j, packed, &s, &m);
        sc[j] = s;
        m16[2 * j] = m16[2 * j + 1] = m;
    }
    *mins16 = _mm256_loadu_si256((const __m256i *)m16);
}

/// Bit `b` of every byte of h moved to 0x10.
static inline __m256i bit_to_0x10(__m256i h, int b) {
    __m256i v = b <= 4 ? _mm256_slli_epi16(h, 4 - b) : _mm256_srli_epi16(h, b - 4);
    return _mm256_and_si256(v, _mm256_set1_epi8(0x10));
}

// HIGH_BITS: 0 for Q4_K, 1 for Q5_K (same layout plus qh).
static inline __attribute__((always_inline)) void k4_body(int64_t n, const uint8_t *wbase, size_t wsize,
                                                          int high_bits, const uint8_t *x, size_t xs,
                                                          const int NT, float *out) {
    const int64_t nb = n / CK_QKK;
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    __m256 acc[4];
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();
    for (int64_t ib = 0; ib < nb; ib++) {
        const uint8_t *blk = wbase + (size_t)ib * wsize;
        // Q4_K: d, dmin, scales[12], qs[128]; Q5_K: d, dmin, scales[12], qh[32], qs[128].
        ck_half hd, hm;
        memcpy(&hd, blk, 2);
        memcpy(&hm, blk + 2, 2);
        const float d = ck_h2f(hd), dmin = ck_h2f(hm);
        uint8_t sc[8];
        __m256i mins16;
        decode_scales_k4(blk + 4, sc, &mins16);
        const uint8_t *qs = blk + 16 + (high_bits ? 32 : 0);
        const __m256i qh = high_bits ? _mm256_loadu_si256((const __m256i *)(blk + 16)) : _mm256_setzero_si256();
        __m256i isum[4];
        for (int t = 0; t < NT; t++) isum[t] = _mm256_setzero_si256();
        for (int c = 0; c < 4; c++) {
            __m256i raw = _mm256_loadu_si256((const __m256i *)(qs + 32 * c));
            __m256i lo = _mm256_and_si256(raw, m4);
            __m256i hi = _mm256_and_si256(_mm256_srli_epi16(raw, 4), m4);
            if (high_bits) {
                lo = _mm256_or_si256(lo, bit_to_0x10(qh, 2 * c));
                hi = _mm256_or_si256(hi, bit_to_0x10(qh, 2 * c + 1));
            }
            const __m256i s_lo = _mm256_set1_epi16(sc[2 * c]);
            const __m256i s_hi = _mm256_set1_epi16(sc[2 * c + 1]);
            for (int t = 0; t < NT; t++) {
                const ck_block_q8K *xb = (const ck_block_q8K *)(x + (size_t)t * xs) + ib;
                __m256i x_lo = _mm256_loadu_si256((const __m256i *)(xb->qs + 64 * c));
                __m256i x_hi = _mm256_loadu_si256((const __m256i *)(xb->qs + 64 * c + 32));
                isum[t] = ck_dpwssd(isum[t], _mm256_maddubs_epi16(lo, x_lo), s_lo);
                isum[t] = ck_dpwssd(isum[t], _mm256_maddubs_epi16(hi, x_hi), s_hi);
            }
        }
        for (int t = 0; t < NT; t++) {
            const ck_block_q8K *xb = (const ck_block_q8K *)(x + (size_t)t * xs) + ib;
            __m256i bs = _mm256_loadu_si256((const __m256i *)xb->bsums);
            __m256i msum = _mm256_madd_epi16(bs, mins16);
            acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum[t]), _mm256_set1_ps(d * xb->d), acc[t]);
            acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(msum), _mm256_set1_ps(-dmin * xb->d), acc[t]);
        }
    }
    for (int t = 0; t < NT; t++) out[t] = ck_hsum_ps(acc[t]);
}

static inline __attribute__((always_inline)) void q4_K_impl(int64_t n, const void *w, const void *x,
                                                            size_t xs, const int NT, float *out) {
    k4_body(n, w, sizeof(ck_block_q4_K), 0, x, xs, NT, out);
}
static inline __attribute__((always_inline)) void q5_K_impl(int64_t n, const void *w, const void *x,
                                                            size_t xs, const int NT, float *out) {
    k4_body(n, w, sizeof(ck_block_q5_K), 1, x, xs, NT, out);
}

static inline __attribute__((always_inline)) void q6_K_impl(int64_t n, const void *wv, const void *xv,
                                                            size_t xs, const int NT, float *out) {
    const ck_block_q6_K *w = wv;
    const uint8_t *x = xv;
    const int64_t nb = n / CK_QKK;
    const __m256i m4 = _mm256_set1_epi8(0x0F), m30 = _mm256_set1_epi8(0x30);
    __m256 acc[4];
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();
    for (int64_t ib = 0; ib < nb; ib++) {
        const float d = ck_h2f(w[ib].d);
        const int8_t *sc = w[ib].scales;
        const __m256i sc16 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)sc));
        __m256i isum[4];
        for (int t = 0; t < NT; t++) isum[t] = _mm256_setzero_si256();
        for (int h = 0; h < 2; h++) {
            const __m256i l0 = _mm256_loadu_si256((const __m256i *)(w[ib].ql + 64 * h));
            const __m256i l1 = _mm256_loadu_si256((const __m256i *)(w[ib].ql + 64 * h + 32));
            const __m256i hb = _mm256_loadu_si256((const __m256i *)(w[ib].qh + 32 * h));
            __m256i q[4];
            q[0] = _mm256_or_si256(_mm256_and_si256(l0, m4), _mm256_and_si256(_mm256_slli_epi16(hb, 4), m30));
            q[1] = _mm256_or_si256(_mm256_and_si256(l1, m4), _mm256_and_si256(_mm256_slli_epi16(hb, 2), m30));
            q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), m4), _mm256_and_si256(hb, m30));
            q[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), m4),
                                   _mm256_and_si256(_mm256_srli_epi16(hb, 2), m30));
            for (int k = 0; k < 4; k++) {
                const int g = 8 * h + 2 * k;
                const __m256i s = _mm256_set_m128i(_mm_set1_epi16(sc[g + 1]), _mm_set1_epi16(sc[g]));
                for (int t = 0; t < NT; t++) {
                    const ck_block_q8K *xb = (const ck_block_q8K *)(x + (size_t)t * xs) + ib;
                    __m256i xq = _mm256_loadu_si256((const __m256i *)(xb->qs + 128 * h + 32 * k));
                    isum[t] = ck_dpwssd(isum[t], _mm256_maddubs_epi16(q[k], xq), s);
                }
            }
        }
        for (int t = 0; t < NT; t++) {
            const ck_block_q8K *xb = (const ck_block_q8K *)(x + (size_t)t * xs) + ib;
            __m256i bs = _mm256_loadu_si256((const __m256i *)xb->bsums);
            __m256i off = _mm256_slli_epi32(_mm256_madd_epi16(bs, sc16), 5);  // 32·Σ sc_g·bsum_g
            acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(isum[t], off)),
                                     _mm256_set1_ps(d * xb->d), acc[t]);
        }
    }
    for (int t = 0; t < NT; t++) out[t] = ck_hsum_ps(acc[t]);
}

CK_DISPATCH_NT(q4_K)
CK_DISPATCH_NT(q5_K)
CK_DISPATCH_NT(q6_K)

#else

void ck_tile_q4_K(int64_t n, const void *w, const void *x, size_t xs, int ntok, float *out) {
    ck_tile_generic(CK_TYPE_Q4_K, n, w, x, xs, ntok, out);
}
void ck_tile_q5_K(int64_t n, const void *w, const void *x, size_t xs, int ntok, float *out) {
    ck_tile_generic(CK_TYPE_Q5_K, n, w, x, xs, ntok, out);
}
void ck_tile_q6_K(int64_t n, const void *w, const void *x, size_t xs, int ntok, float *out) {
    ck_tile_generic(CK_TYPE_Q6_K, n, w, x, xs, ntok, out);
}
#endif
