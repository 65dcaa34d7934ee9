// Interleaved 8-row layout for the K-quants (Q4_K, Q5_K, Q6_K); same idea as ck_repack.c: one
// 32-bit lane of a dpbusd holds 4 consecutive elements of one row, so 8 rows are computed at once
// against broadcast activation bytes, and sub-block scales are applied with one vector multiply.
//
// Q4_K / Q5_K group-superblock (8 rows × 256 elements), GB = 1184 (Q4_K) or 1440 (Q5_K) bytes:
//   [0, 16)      d of rows 0..7 (half)          [16, 32)   dmin of rows 0..7 (half)
//   [32, 96)     scale of sub-block j, row r at 32 + 8j + r (6-bit, unsigned)
//   [96, 160)    min   of sub-block j, row r at 96 + 8j + r
//   [160, 1184)  sub-block j at 160 + 128j: four vectors P_k, byte 4r+i = u[r][32j+4k+i] |
//                u[r][32j+4k+16+i] << 4 (the low 4 bits)
//   Q5_K: [1184, 1440) sub-block j at 1184 + 32j: eight uint32 masks, bit 4r+i of mask k = fifth bit
//                of u[r][32j+4k+i]
//   w = d·sc·u − dmin·m
// Q6_K group-superblock, GB = 1680 bytes:
//   [0, 16)      d of rows 0..7 (half)
//   [16, 144)    scale of 16-element group g, row r at 16 + 8g + r (signed)
//   [144, 1168)  low 4 bits of u (0..63) as for Q4_K
//   [1168, 1680) sub-block j at 1168 + 64j: two vectors H_0, H_1; byte 4r+i of H_h holds the top two
//                bits of u[r][32j + 4(4h+k) + i] at bit 2k (k = 0..3)
//   w = d·sc·(u − 32)
#include "ck_simd.h"

#define CK_GROUP 8

size_t ck_k_group_block_bytes(uint32_t type) {
    switch (type) {
    case CK_TYPE_Q4_K: return 1184;
    case CK_TYPE_Q5_K: return 1440;
    case CK_TYPE_Q6_K: return 1680;
    default: return 0;
    }
}

/// Unsigned quants u[256] of one K block of `type` (Q4_K/Q5_K: 0..31; Q6_K: 0..63).
static void k_block_to_u(uint32_t type, const uint8_t *blk, uint8_t u[256]) {
    if (type == CK_TYPE_Q6_K) {
        const ck_block_q6_K *b = (const ck_block_q6_K *)blk;
        for (int h = 0; h < 2; h++) {
            const uint8_t *ql = b->ql + 64 * h, *qh = b->qh + 32 * h;
            uint8_t *y = u + 128 * h;
            for (int l = 0; l < 32; l++) {
                y[l] = (uint8_t)((ql[l] & 0xF) | ((qh[l] >> 0) & 3) << 4);
                y[l + 32] = (uint8_t)((ql[l + 32] & 0xF) | ((qh[l] >> 2) & 3) << 4);
                y[l + 64] = (uint8_t)((ql[l] >> 4) | ((qh[l] >> 4) & 3) << 4);
                y[l + 96] = (uint8_t)((ql[l + 32] >> 4) | ((qh[l] >> 6) & 3) << 4);
            }
        }
        return;
    }
    const int q5 = type == CK_TYPE_Q5_K;
    const uint8_t *qh = blk + 16;
    const uint8_t *qs = blk + 16 + (q5 ? 32 : 0);
    for (int c = 0; c < 4; c++) {
        for (int l = 0; l < 32; l++) {
            uint8_t lo = qs[32 * c + l] & 0xF, hi = qs[32 * c + l] >> 4;
            if (q5) {
                if (qh[l] & (1u << (2 * c))) lo |= 0x10;
                if (qh[l] & (2u << (2 * c))) hi |= 0x10;
            }
            u[64 * c + l] = lo;
            u[64 * c + 32 + l] = hi;
        }
    }
}

/// Repacks groups [g0, g1) of a K-quant matrix.
void ck_repack_k_groups(uint32_t type, const void *w, int64_t rows, int64_t columns, void *dst, int64_t g0,
                        int64_t g1) {
    const size_t gb = ck_k_group_block_bytes(type);
    const int64_t nb = columns / CK_QKK;
    const size_t row_size = ck_row_size(type, columns), blk_size = ck_row_size(type, CK_QKK);
    uint8_t *out = (uint8_t *)dst + (size_t)g0 * (size_t)nb * gb;
    static const uint8_t zero_block[210] = {0};
    for (int64_t g = g0; g < g1; g++) {
        for (int64_t b = 0; b < nb; b++, out += gb) {
            memset(out, 0, gb);
            uint8_t u[CK_GROUP][256];
            for (int r = 0; r < CK_GROUP; r++) {
                int64_t row = g * CK_GROUP + r;
                const uint8_t *blk = row < rows ? (const uint8_t *)w + (size_t)row * row_size + (size_t)b * blk_size
                                                : zero_block;
                k_block_to_u(type, blk, u[r]);
                if (type == CK_TYPE_Q6_K) {
                    memcpy(out + 2 * r, blk + 208, 2);
                    for (int s = 0; s < 16; s++) out[16 + 8 * s + r] = blk[192 + s];
                } else {
                    memcpy(out + 2 * r, blk, 2);
                    memcpy(out + 16 + 2 * r, blk + 2, 2);
                    for (int j = 0; j < 8; j++) {
                        uint8_t sc, mn;
                        ck_scale_min_k4(j, blk + 4, &sc, &mn);
                        out[32 + 8 * j + r] = sc;
                        out[96 + 8 * j + r] = mn;
                    }
                }
            }
            const size_t low_off = type == CK_TYPE_Q6_K ? 144 : 160;
            for (int j = 0; j < 8; j++) {
                uint8_t *p = out + low_off + 128 * j;
                for (int k = 0; k < 4; k++)
                    for (int r = 0; r < CK_GROUP; r++)
                        for (int i = 0; i < 4; i++)
                            p[32 * k + 4 * r + i] = (uint8_t)((u[r][32 * j + 4 * k + i] & 0xF) |
                                                              (u[r][32 * j + 4 * k + 16 + i] & 0xF) << 4);
                if (type == CK_TYPE_Q5_K) {
                    for (int k = 0; k < 8; k++) {
                        uint32_t m = 0;
                        for (int r = 0; r < CK_GROUP; r++)
                            for (int i = 0; i < 4; i++)
                                if (u[r][32 * j + 4 * k + i] & 0x10) m |= 1u << (4 * r + i);
                        memcpy(out + 1184 + 32 * j + 4 * k, &m, 4);
                    }
                } else if (type == CK_TYPE_Q6_K) {
                    uint8_t *h = out + 1168 + 64 * j;
                    for (int hh = 0; hh < 2; hh++)
                        for (int r = 0; r < CK_GROUP; r++)
                            for (int i = 0; i < 4; i++) {
                                uint8_t v = 0;
                                for (int k = 0; k < 4; k++) v |= (uint8_t)((u[r][32 * j + 4 * (4 * hh + k) + i] >> 4) << (2 * k));
                                h[32 * hh + 4 * r + i] = v;
                            }
                }
            }
        }
    }
}

#if CK_HAVE_AVX2
static inline __m256i load_u8x8_epi32(const uint8_t *p) {
    return _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)p));
}
static inline __m256i load_i8x8_epi32(const uint8_t *p) {
    return _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)p));
}

// Q4_K (Q5 = 0) and Q5_K (Q5 = 1).
static inline __attribute__((always_inline)) void k4_group_impl(int64_t nb, const uint8_t *gw, const uint8_t *x,
                                                                size_t xs, const int NT, const int Q5, float *out) {
    const size_t gb = Q5 ? 1440 : 1184;
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    __m256 acc[4];
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();
    for (int64_t b = 0; b < nb; b++, gw += gb) {
        __m256i isum[4], msum[4];
        for (int t = 0; t < NT; t++) isum[t] = msum[t] = _mm256_setzero_si256();
        for (int j = 0; j < 8; j++) {
            __m256i u[8];
            const uint8_t *p = gw + 160 + 128 * j;
            for (int k = 0; k < 4; k++) {
                __m256i v = _mm256_loadu_si256((const __m256i *)(p + 32 * k));
                u[k] = _mm256_and_si256(v, m4);
                u[k + 4] = _mm256_and_si256(_mm256_srli_epi16(v, 4), m4);
            }
            if (Q5) {
                for (int k = 0; k < 8; k++) {
                    uint32_t h;
                    memcpy(&h, gw + 1184 + 32 * j + 4 * k, 4);
                    u[k] = _mm256_or_si256(u[k], ck_bits_to_0x10(h));
                }
            }
            const __m256i sc = load_u8x8_epi32(gw + 32 + 8 * j);
            const __m256i mn = load_u8x8_epi32(gw + 96 + 8 * j);
            for (int t = 0; t < NT; t++) {
                const ck_block_q8K *xb = (const ck_block_q8K *)(x + (size_t)t * xs) + b;
                int32_t xq[8];
                memcpy(xq, xb->qs + 32 * j, 32);
                __m256i s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256();
                s0 = ck_dpbusd(s0, u[0], _mm256_set1_epi32(xq[0]));
                s1 = ck_dpbusd(s1, u[1], _mm256_set1_epi32(xq[1]));
                s0 = ck_dpbusd(s0, u[2], _mm256_set1_epi32(xq[2]));
                s1 = ck_dpbusd(s1, u[3], _mm256_set1_epi32(xq[3]));
                s0 = ck_dpbusd(s0, u[4], _mm256_set1_epi32(xq[4]));
                s1 = ck_dpbusd(s1, u[5], _mm256_set1_epi32(xq[5]));
                s0 = ck_dpbusd(s0, u[6], _mm256_set1_epi32(xq[6]));
                s1 = ck_dpbusd(s1, u[7], _mm256_set1_epi32(xq[7]));
                isum[t] = _mm256_add_epi32(isum[t], _mm256_mullo_epi32(_mm256_add_epi32(s0, s1), sc));
                const int bs = xb->bsums[2 * j] + xb->bsums[2 * j + 1];
                msum[t] = _mm256_add_epi32(msum[t], _mm256_mullo_epi32(mn, _mm256_set1_epi32(bs)));
            }
        }
        const __m256 d = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)gw));
        const __m256 dmin = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(gw + 16)));
        for (int t = 0; t < NT; t++) {
            const ck_block_q8K *xb = (const ck_block_q8K *)(x + (size_t)t * xs) + b;
            const __m256 dx = _mm256_set1_ps(xb->d);
            acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum[t]), _mm256_mul_ps(d, dx), acc[t]);
            acc[t] = _mm256_fnmadd_ps(_mm256_cvtepi32_ps(msum[t]), _mm256_mul_ps(dmin, dx), acc[t]);
        }
    }
    for (int t = 0; t < NT; t++) _mm256_storeu_ps(out + 8 * t, acc[t]);
}

static inline __attribute__((always_inline)) void q6k_group_impl(int64_t nb, const uint8_t *gw, const uint8_t *x,
                                                                 size_t xs, const int NT, float *out) {
    const __m256i m4 = _mm256_set1_epi8(0x0F), m30 = _mm256_set1_epi8(0x30);
    __m256 acc[4];
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();
    for (int64_t b = 0; b < nb; b++, gw += 1680) {
        __m256i isum[4];
        for (int t = 0; t < NT; t++) isum[t] = _mm256_setzero_si256();
        for (int j = 0; j < 8; j++) {
            __m256i u[8];
            const uint8_t *p = gw + 144 + 128 * j;
            const __m256i h0 = _mm256_loadu_si256((const __m256i *)(gw + 1168 + 64 * j));
            const __m256i h1 = _mm256_loadu_si256((const __m256i *)(gw + 1168 + 64 * j + 32));
            for (int k = 0; k < 4; k++) {
                __m256i v = _mm256_loadu_si256((const __m256i *)(p + 32 * k));
                u[k] = _mm256_and_si256(v, m4);
                u[k + 4] = _mm256_and_si256(_mm256_srli_epi16(v, 4), m4);
            }
            // Top bits: k-group k (0..3) from h0 at bit 2k, k-group 4+k from h1.
            u[0] = _mm256_or_si256(u[0], _mm256_and_si256(_mm256_slli_epi16(h0, 4), m30));
            u[1] = _mm256_or_si256(u[1], _mm256_and_si256(_mm256_slli_epi16(h0, 2), m30));
            u[2] = _mm256_or_si256(u[2], _mm256_and_si256(h0, m30));
            u[3] = _mm256_or_si256(u[3], _mm256_and_si256(_mm256_srli_epi16(h0, 2), m30));
            u[4] = _mm256_or_si256(u[4], _mm256_and_si256(_mm256_slli_epi16(h1, 4), m30));
            u[5] = _mm256_or_si256(u[5], _mm256_and_si256(_mm256_slli_epi16(h1, 2), m30));
            u[6] = _mm256_or_si256(u[6], _mm256_and_si256(h1, m30));
            u[7] = _mm256_or_si256(u[7], _mm256_and_si256(_mm256_srli_epi16(h1, 2), m30));
            const __m256i sa = load_i8x8_epi32(gw + 16 + 8 * (2 * j));
            const __m256i sb = load_i8x8_epi32(gw + 16 + 8 * (2 * j + 1));
            for (int t = 0; t < NT; t++) {
                const ck_block_q8K *xb = (const ck_block_q8K *)(x + (size_t)t * xs) + b;
                int32_t xq[8];
                memcpy(xq, xb->qs + 32 * j, 32);
                __m256i a = _mm256_setzero_si256(), c = _mm256_setzero_si256();
                a = ck_dpbusd(a, u[0], _mm256_set1_epi32(xq[0]));
                c = ck_dpbusd(c, u[4], _mm256_set1_epi32(xq[4]));
                a = ck_dpbusd(a, u[1], _mm256_set1_epi32(xq[1]));
                c = ck_dpbusd(c, u[5], _mm256_set1_epi32(xq[5]));
                a = ck_dpbusd(a, u[2], _mm256_set1_epi32(xq[2]));
                c = ck_dpbusd(c, u[6], _mm256_set1_epi32(xq[6]));
                a = ck_dpbusd(a, u[3], _mm256_set1_epi32(xq[3]));
                c = ck_dpbusd(c, u[7], _mm256_set1_epi32(xq[7]));
                // Σ (u − 32)·x over each 16-element group = Σ u·x − 32·bsum.
                a = _mm256_sub_epi32(a, _mm256_set1_epi32(32 * xb->bsums[2 * j]));
                c = _mm256_sub_epi32(c, _mm256_set1_epi32(32 * xb->bsums[2 * j + 1]));
                isum[t] = _mm256_add_epi32(isum[t], _mm256_add_epi32(_mm256_mullo_epi32(a, sa), _mm256_mullo_epi32(c, sb)));
            }
        }
        const __m256 d = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)gw));
        for (int t = 0; t < NT; t++) {
            const ck_block_q8K *xb = (const ck_block_q8K *)(x + (size_t)t * xs) + b;
            acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum[t]), _mm256_mul_ps(d, _mm256_set1_ps(xb->d)), acc[t]);
        }
    }
    for (int t = 0; t < NT; t++) _mm256_storeu_ps(out + 8 * t, acc[t]);
}

#define CK_NT_SWITCH(CALL1, CALL2, CALL3, CALL4) \
    switch (ntok) { case 1: CALL1; break; case 2: CALL2; break; case 3: CALL3; break; default: CALL4; break; }

void ck_group_q4_K(int64_t nb, const uint8_t *gw, const uint8_t *x, size_t xs, int ntok, float *out) {
    CK_NT_SWITCH(k4_group_impl(nb, gw, x, xs, 1, 0, out), k4_group_impl(nb, gw, x, xs, 2, 0, out),
                 k4_group_impl(nb, gw, x, xs, 3, 0, out), k4_group_impl(nb, gw, x, xs, 4, 0, out))
}
void ck_group_q5_K(int64_t nb, const uint8_t *gw, const uint8_t *x, size_t xs, int ntok, float *out) {
    CK_NT_SWITCH(k4_group_impl(nb, gw, x, xs, 1, 1, out), k4_group_impl(nb, gw, x, xs, 2, 1, out),
                 k4_group_impl(nb, gw, x, xs, 3, 1, out), k4_group_impl(nb, gw, x, xs, 4, 1, out))
}
void ck_group_q6_K(int64_t nb, const uint8_t *gw, const uint8_t *x, size_t xs, int ntok, float *out) {
    CK_NT_SWITCH(q6k_group_impl(nb, gw, x, xs, 1, out), q6k_group_impl(nb, gw, x, xs, 2, out),
                 q6k_group_impl(nb, gw, x, xs, 3, out), q6k_group_impl(nb, gw, x, xs, 4, out))
}

#else
// Portable fallback: rebuild each row's quants from the packed bytes.
static void k_group_generic(uint32_t type, int64_t nb, const uint8_t *gw, const uint8_t *x, size_t xs, int ntok,
                            float *out) {
    const size_t gb = ck_k_group_block_bytes(type);
    for (int i = 0; i < 8 * ntok; i++) out[i] = 0;
    for (int64_t b = 0; b < nb; b++, gw += gb) {
        for (int r = 0; r < 8; r++) {
            float wv[256];
            ck_half hd;
            memcpy(&hd, gw + 2 * r, 2);
            const float d = ck_h2f(hd);
            const size_t low_off = type == CK_TYPE_Q6_K ? 144 : 160;
            for (int e = 0; e < 256; e++) {
                int j = e / 32, k = (e % 32) / 4 % 4, i = e % 4, high = (e % 32) >= 16;
                uint8_t p = gw[low_off + 128 * j + 32 * k + 4 * r + i];
                int u = high ? p >> 4 : p & 0xF;
                int kk = (e % 32) / 4;  // k-group 0..7
                if (type == CK_TYPE_Q5_K) {
                    uint32_t m;
                    memcpy(&m, gw + 1184 + 32 * j + 4 * kk, 4);
                    if (m >> (4 * r + i) & 1) u |= 0x10;
                } else if (type == CK_TYPE_Q6_K) {
                    uint8_t h = gw[1168 + 64 * j + 32 * (kk / 4) + 4 * r + i];
                    u |= ((h >> (2 * (kk % 4))) & 3) << 4;
                }
                if (type == CK_TYPE_Q6_K) {
                    wv[e] = d * (float)(int8_t)gw[16 + 8 * (e / 16) + r] * (float)(u - 32);
                } else {
                    ck_half hm;
                    memcpy(&hm, gw + 16 + 2 * r, 2);
                    wv[e] = d * gw[32 + 8 * j + r] * u - ck_h2f(hm) * gw[96 + 8 * j + r];
                }
            }
            for (int t = 0; t < ntok; t++) {
                const ck_block_q8K *xb = (const ck_block_q8K *)(x + (size_t)t * xs) + b;
                float s = 0;
                for (int e = 0; e < 256; e++) s += wv[e] * xb->qs[e];
                out[8 * t + r] += s * xb->d;
            }
        }
    }
}
void ck_group_q4_K(int64_t nb, const uint8_t *gw, const uint8_t *x, size_t xs, int ntok, float *out) {
    k_group_generic(CK_TYPE_Q4_K, nb, gw, x, xs, ntok, out);
}
void ck_group_q5_K(int64_t nb, const uint8_t *gw, const uint8_t *x, size_t xs, int ntok, float *out) {
    k_group_generic(CK_TYPE_Q5_K, nb, gw, x, xs, ntok, out);
}
void ck_group_q6_K(int64_t nb, const uint8_t *gw, const uint8_t *x, size_t xs, int ntok, float *out) {
    k_group_generic(CK_TYPE_Q6_K, nb, gw, x, xs, ntok, out);
}
#endif
