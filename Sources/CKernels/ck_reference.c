// Row sizes, plain reference dequantization, and activation quantization.
// Everything here is the "reference twin" the SIMD kernels are tested against: straightforward loops
// written from the block layouts in ck_internal.h.
#include "ck_internal.h"
#include <math.h>
#include <stdlib.h>

int ckernels_version(void) { return 2; }

int ck_type_supported(uint32_t type) { return ck_block_elements(type) > 0; }

int64_t ck_block_elements(uint32_t type) {
    switch (type) {
    case CK_TYPE_F32: case CK_TYPE_F16: return 1;
    case CK_TYPE_Q4_0: case CK_TYPE_Q4_1: case CK_TYPE_Q5_0: case CK_TYPE_Q5_1: case CK_TYPE_Q8_0:
        return CK_QK;
    case CK_TYPE_Q4_K: case CK_TYPE_Q5_K: case CK_TYPE_Q6_K: return CK_QKK;
    default: return 0;
    }
}

static size_t block_bytes(uint32_t type) {
    switch (type) {
    case CK_TYPE_F32: return 4;
    case CK_TYPE_F16: return 2;
    case CK_TYPE_Q4_0: return sizeof(ck_block_q4_0);
    case CK_TYPE_Q4_1: return sizeof(ck_block_q4_1);
    case CK_TYPE_Q5_0: return sizeof(ck_block_q5_0);
    case CK_TYPE_Q5_1: return sizeof(ck_block_q5_1);
    case CK_TYPE_Q8_0: return sizeof(ck_block_q8_0);
    case CK_TYPE_Q4_K: return sizeof(ck_block_q4_K);
    case CK_TYPE_Q5_K: return sizeof(ck_block_q5_K);
    case CK_TYPE_Q6_K: return sizeof(ck_block_q6_K);
    default: return 0;
    }
}

size_t ck_row_size(uint32_t type, int64_t n) {
    int64_t be = ck_block_elements(type);
    if (be <= 0 || n < 0) return 0;
    return (size_t)(n / be) * block_bytes(type);
}

// ---- Reference dequantization ---------------------------------------------------------------------

static void deq_q4_0(const ck_block_q4_0 *b, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, y += 32) {
        float d = ck_half_to_float_ref(b[i].d);
        for (int j = 0; j < 16; j++) {
            y[j] = ((b[i].qs[j] & 0xF) - 8) * d;
            y[j + 16] = ((b[i].qs[j] >> 4) - 8) * d;
        }
    }
}

static void deq_q4_1(const ck_block_q4_1 *b, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, y += 32) {
        float d = ck_half_to_float_ref(b[i].d), m = ck_half_to_float_ref(b[i].m);
        for (int j = 0; j < 16; j++) {
            y[j] = (b[i].qs[j] & 0xF) * d + m;
            y[j + 16] = (b[i].qs[j] >> 4) * d + m;
        }
    }
}

// Q5: bit j of the 32-bit little-endian qh is the fifth bit of element j.
static void deq_q5_0(const ck_block_q5_0 *b, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, y += 32) {
        float d = ck_half_to_float_ref(b[i].d);
        uint32_t qh = (uint32_t)b[i].qh[0] | (uint32_t)b[i].qh[1] << 8 | (uint32_t)b[i].qh[2] << 16 |
                      (uint32_t)b[i].qh[3] << 24;
        for (int j = 0; j < 16; j++) {
            int lo = (b[i].qs[j] & 0xF) | (int)(((qh >> j) & 1) << 4);
            int hi = (b[i].qs[j] >> 4) | (int)(((qh >> (j + 16)) & 1) << 4);
            y[j] = (lo - 16) * d;
            y[j + 16] = (hi - 16) * d;
        }
    }
}

static void deq_q5_1(const ck_block_q5_1 *b, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, y += 32) {
        float d = ck_half_to_float_ref(b[i].d), m = ck_half_to_float_ref(b[i].m);
        uint32_t qh = (uint32_t)b[i].qh[0] | (uint32_t)b[i].qh[1] << 8 | (uint32_t)b[i].qh[2] << 16 |
                      (uint32_t)b[i].qh[3] << 24;
        for (int j = 0; j < 16; j++) {
            int lo = (b[i].qs[j] & 0xF) | (int)(((qh >> j) & 1) << 4);
            int hi = (b[i].qs[j] >> 4) | (int)(((qh >> (j + 16)) & 1) << 4);
            y[j] = lo * d + m;
            y[j + 16] = hi * d + m;
        }
    }
}

static void deq_q8_0(const ck_block_q8_0 *b, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, y += 32) {
        float d = ck_half_to_float_ref(b[i].d);
        for (int j = 0; j < 32; j++) y[j] = b[i].qs[j] * d;
    }
}

// Q4_K: each 64-element chunk c uses sub-blocks 2c (low nibbles of qs[32c..<32c+32]) and 2c+1 (high).
static void deq_q4_K(const ck_block_q4_K *b, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++) {
        float d = ck_half_to_float_ref(b[i].d), dmin = ck_half_to_float_ref(b[i].dmin);
        const uint8_t *q = b[i].qs;
        for (int c = 0; c < 4; c++, q += 32) {
            uint8_t sc, mn;
            ck_scale_min_k4(2 * c, b[i].scales, &sc, &mn);
            float d1 = d * sc, m1 = dmin * mn;
            ck_scale_min_k4(2 * c + 1, b[i].scales, &sc, &mn);
            float d2 = d * sc, m2 = dmin * mn;
            for (int l = 0; l < 32; l++) *y++ = d1 * (q[l] & 0xF) - m1;
            for (int l = 0; l < 32; l++) *y++ = d2 * (q[l] >> 4) - m2;
        }
    }
}

// Q5_K: as Q4_K plus a fifth bit: bit 2c of qh[l] for element l of sub-block 2c, bit 2c+1 for 2c+1.
static void deq_q5_K(const ck_block_q5_K *b, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++) {
        float d = ck_half_to_float_ref(b[i].d), dmin = ck_half_to_float_ref(b[i].dmin);
        const uint8_t *ql = b[i].qs, *qh = b[i].qh;
        for (int c = 0; c < 4; c++, ql += 32) {
            uint8_t sc, mn;
            ck_scale_min_k4(2 * c, b[i].scales, &sc, &mn);
            float d1 = d * sc, m1 = dmin * mn;
            ck_scale_min_k4(2 * c + 1, b[i].scales, &sc, &mn);
            float d2 = d * sc, m2 = dmin * mn;
            uint8_t u1 = (uint8_t)(1u << (2 * c)), u2 = (uint8_t)(2u << (2 * c));
            for (int l = 0; l < 32; l++) *y++ = d1 * ((ql[l] & 0xF) + ((qh[l] & u1) ? 16 : 0)) - m1;
            for (int l = 0; l < 32; l++) *y++ = d2 * ((ql[l] >> 4) + ((qh[l] & u2) ? 16 : 0)) - m2;
        }
    }
}

// Q6_K: two halves of 128; in half h, element l (0..<32) of quarter k (0..<4) takes its low nibble
// from ql[64h + l + 32(k&1)] (low nibble for k<2, high for k>=2) and its top two bits from
// qh[32h + l] >> 2k; the scale of element e is scales[e / 16].
static void deq_q6_K(const ck_block_q6_K *b, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++) {
        float d = ck_half_to_float_ref(b[i].d);
        const uint8_t *ql = b[i].ql, *qh = b[i].qh;
        const int8_t *sc = b[i].scales;
        for (int h = 0; h < 2; h++, y += 128, ql += 64, qh += 32, sc += 8) {
            for (int l = 0; l < 32; l++) {
                int is = l / 16;
                int q1 = (int)((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                int q2 = (int)((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                int q3 = (int)((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                int q4 = (int)((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                y[l] = d * sc[is + 0] * q1;
                y[l + 32] = d * sc[is + 2] * q2;
                y[l + 64] = d * sc[is + 4] * q3;
                y[l + 96] = d * sc[is + 6] * q4;
            }
        }
    }
}

void ck_dequantize_row(uint32_t type, const void *src, float *dst, int64_t n) {
    int64_t be = ck_block_elements(type);
    if (be <= 0) return;
    int64_t nb = n / be;
    switch (type) {
    case CK_TYPE_F32: memcpy(dst, src, (size_t)n * 4); break;
    case CK_TYPE_F16: {
        const ck_half *h = (const ck_half *)src;
        for (int64_t i = 0; i < n; i++) dst[i] = ck_h2f(h[i]);
        break;
    }
    case CK_TYPE_Q4_0: deq_q4_0(src, dst, nb); break;
    case CK_TYPE_Q4_1: deq_q4_1(src, dst, nb); break;
    case CK_TYPE_Q5_0: deq_q5_0(src, dst, nb); break;
    case CK_TYPE_Q5_1: deq_q5_1(src, dst, nb); break;
    case CK_TYPE_Q8_0: deq_q8_0(src, dst, nb); break;
    case CK_TYPE_Q4_K: deq_q4_K(src, dst, nb); break;
    case CK_TYPE_Q5_K: deq_q5_K(src, dst, nb); break;
    case CK_TYPE_Q6_K: deq_q6_K(src, dst, nb); break;
    default: break;
    }
}

// ---- Activation quantization ------------------------------------------------------------------------

size_t ck_q8_row_size(uint32_t weight_type, int64_t n) {
    switch (ck_act_kind(weight_type)) {
    case CK_ACT_FLOAT: return (size_t)n * sizeof(float);
    case CK_ACT_Q8X: return (size_t)(n / CK_QK) * sizeof(ck_block_q8x);
    case CK_ACT_Q8K: return (size_t)(n / CK_QKK) * sizeof(ck_block_q8K);
    default: return 0;
    }
}

static float absmax(const float *x, int n) {
    float a = 0;
    for (int j = 0; j < n; j++) a = fmaxf(a, fabsf(x[j]));
    return a;
}

static void quantize_q8x(const float *x, ck_block_q8x *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, x += 32) {
#if defined(__AVX2__)
        __m256 sign = _mm256_set1_ps(-0.0f);
        __m256 v0 = _mm256_loadu_ps(x), v1 = _mm256_loadu_ps(x + 8);
        __m256 v2 = _mm256_loadu_ps(x + 16), v3 = _mm256_loadu_ps(x + 24);
        __m256 m = _mm256_max_ps(_mm256_max_ps(_mm256_andnot_ps(sign, v0), _mm256_andnot_ps(sign, v1)),
                                 _mm256_max_ps(_mm256_andnot_ps(sign, v2), _mm256_andnot_ps(sign, v3)));
        __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
        m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
        m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
        float amax = _mm_cvtss_f32(m4);
        float d = amax / 127.0f;
        float id = d > 0 ? 1.0f / d : 0.0f;
        __m256 vid = _mm256_set1_ps(id);
        __m256i i0 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v0, vid), _MM_FROUND_TO_NEAREST_INT));
        __m256i i1 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v1, vid), _MM_FROUND_TO_NEAREST_INT));
        __m256i i2 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v2, vid), _MM_FROUND_TO_NEAREST_INT));
        __m256i i3 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v3, vid), _MM_FROUND_TO_NEAREST_INT));
        __m256i sum = _mm256_add_epi32(_mm256_add_epi32(i0, i1), _mm256_add_epi32(i2, i3));
        __m128i s4 = _mm_add_epi32(_mm256_castsi256_si128(sum), _mm256_extracti128_si256(sum, 1));
        s4 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, 0x4E));
        s4 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, 0xB1));
        // Pack 32-bit -> 16-bit -> 8-bit; packs interleave 128-bit lanes, so fix the order after.
        __m256i p01 = _mm256_packs_epi32(i0, i1);
        __m256i p23 = _mm256_packs_epi32(i2, i3);
        __m256i p = _mm256_packs_epi16(p01, p23);
        p = _mm256_permutevar8x32_epi32(p, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
        _mm256_storeu_si256((__m256i *)y[i].qs, p);
        y[i].d = d;
        y[i].s = d * (float)_mm_cvtsi128_si32(s4);
#else
        float amax = absmax(x, 32);
        float d = amax / 127.0f;
        float id = d > 0 ? 1.0f / d : 0.0f;
        int sum = 0;
        for (int j = 0; j < 32; j++) {
            int q = (int)lrintf(x[j] * id);
            y[i].qs[j] = (int8_t)q;
            sum += q;
        }
        y[i].d = d;
        y[i].s = d * (float)sum;
#endif
    }
}

static void quantize_q8K(const float *x, ck_block_q8K *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, x += CK_QKK) {
        float amax = absmax(x, CK_QKK);
        float d = amax / 127.0f;
        float id = d > 0 ? 1.0f / d : 0.0f;
        for (int j = 0; j < CK_QKK; j++) y[i].qs[j] = (int8_t)lrintf(x[j] * id);
        for (int g = 0; g < 16; g++) {
            int s = 0;
            for (int j = 0; j < 16; j++) s += y[i].qs[16 * g + j];
            y[i].bsums[g] = (int16_t)s;
        }
        y[i].d = d;
    }
}

void ck_quantize_row_q8(uint32_t weight_type, const float *x, void *dst, int64_t n) {
    switch (ck_act_kind(weight_type)) {
    case CK_ACT_FLOAT: memcpy(dst, x, (size_t)n * sizeof(float)); break;
    case CK_ACT_Q8X: quantize_q8x(x, dst, n / CK_QK); break;
    case CK_ACT_Q8K: quantize_q8K(x, dst, n / CK_QKK); break;
    default: break;
    }
}

void ck_dequantize_row_q8(uint32_t weight_type, const void *src, float *dst, int64_t n) {
    switch (ck_act_kind(weight_type)) {
    case CK_ACT_FLOAT: memcpy(dst, src, (size_t)n * sizeof(float)); break;
    case CK_ACT_Q8X: {
        const ck_block_q8x *b = src;
        for (int64_t i = 0; i < n / CK_QK; i++)
            for (int j = 0; j < CK_QK; j++) dst[i * CK_QK + j] = b[i].d * b[i].qs[j];
        break;
    }
    case CK_ACT_Q8K: {
        const ck_block_q8K *b = src;
        for (int64_t i = 0; i < n / CK_QKK; i++)
            for (int j = 0; j < CK_QKK; j++) dst[i * CK_QKK + j] = b[i].d * b[i].qs[j];
        break;
    }
    default: break;
    }
}

float ck_vec_dot_ref(uint32_t type, int64_t n, const void *w_row, const void *q8_x) {
    float *a = malloc((size_t)n * sizeof(float));
    float *b = malloc((size_t)n * sizeof(float));
    if (!a || !b) { free(a); free(b); return NAN; }
    ck_dequantize_row(type, w_row, a, n);
    ck_dequantize_row_q8(type, q8_x, b, n);
    double s = 0;
    for (int64_t i = 0; i < n; i++) s += (double)a[i] * b[i];
    free(a);
    free(b);
    return (float)s;
}

// ---- bfloat16 products ---------------------------------------------------------------------------

uint16_t ck_bf16_from_float(float x) { return ck_float_to_bf16(x); }

void ck_gemm_bf16_ref(const float *w, int64_t n, int64_t k, const float *x, int64_t m, float *y,
                      const float *bias, int flags) {
    for (int64_t r = 0; r < m; r++) {
        for (int64_t c = 0; c < n; c++) {
            double sum = 0;
            for (int64_t j = 0; j < k; j++)
                sum += (double)ck_bf16_to_float(ck_float_to_bf16(x[r * k + j]))
                     * (double)ck_bf16_to_float(ck_float_to_bf16(w[c * k + j]));
            float v = (float)sum + (bias ? bias[c] : 0.0f);
            if (flags & CK_GEMM_GELU) v = (float)(0.5 * v * (1.0 + erf(v / sqrt(2.0))));
            y[r * n + c] = (flags & CK_GEMM_ACCUMULATE) ? y[r * n + c] + v : v;
        }
    }
}

// ---- Attention -------------------------------------------------------------------------------------

void ck_attention_head_ref(const float *q, const float *k, const float *v, int64_t ld, int64_t length, int64_t d,
                           float scale, float *out, int64_t ldo) {
    double *p = malloc(sizeof(double) * (size_t)(length > 0 ? length : 1));
    if (!p) abort();
    for (int64_t i = 0; i < length; i++) {
        double mx = -INFINITY, sum = 0;
        for (int64_t j = 0; j < length; j++) {
            double s = 0;
            for (int64_t e = 0; e < d; e++) s += (double)q[i * ld + e] * (double)k[j * ld + e];
            p[j] = s * scale;
            if (p[j] > mx) mx = p[j];
        }
        for (int64_t j = 0; j < length; j++) { p[j] = exp(p[j] - mx); sum += p[j]; }
        for (int64_t e = 0; e < d; e++) {
            double c = 0;
            for (int64_t j = 0; j < length; j++) c += p[j] * (double)v[j * ld + e];
            out[i * ldo + e] = (float)(c / sum);
        }
    }
    free(p);
}
