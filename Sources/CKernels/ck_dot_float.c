// Dot products for unquantized weights (F32, F16 via F16C) against float activations, and the
// tile-kernel table.
#include "ck_simd.h"

void ck_tile_generic(uint32_t type, int64_t n, const void *w, const void *x, size_t xs, int ntok,
                     float *out);

#if CK_HAVE_AVX2
#define CK_FLOAT_TILE(NAME, LOADW)                                                                    \
    static inline __attribute__((always_inline)) void NAME##_impl(int64_t n, const void *wv,          \
                                                                  const void *xv, size_t xs,           \
                                                                  const int NT, float *out) {          \
        const uint8_t *x = xv;                                                                        \
        __m256 acc0[4], acc1[4];                                                                      \
        for (int t = 0; t < NT; t++) acc0[t] = acc1[t] = _mm256_setzero_ps();                         \
        int64_t i = 0;                                                                                \
        for (; i + 16 <= n; i += 16) {                                                                \
            __m256 w0 = LOADW(wv, i), w1 = LOADW(wv, i + 8);                                          \
            for (int t = 0; t < NT; t++) {                                                            \
                const float *xt = (const float *)(x + (size_t)t * xs);                                \
                acc0[t] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(xt + i), acc0[t]);                      \
                acc1[t] = _mm256_fmadd_ps(w1, _mm256_loadu_ps(xt + i + 8), acc1[t]);                  \
            }                                                                                         \
        }                                                                                             \
        for (int t = 0; t < NT; t++) {                                                                \
            const float *xt = (const float *)(x + (size_t)t * xs);                                    \
            float s = ck_hsum_ps(_mm256_add_ps(acc0[t], acc1[t]));                                    \
            for (int64_t j = i; j < n; j++) s += _mm256_cvtss_f32(LOADW1(wv, j)) * xt[j];             \
            out[t] = s;                                                                               \
        }                                                                                             \
    }

static inline __m256 load_f32(const void *w, int64_t i) { return _mm256_loadu_ps((const float *)w + i); }
static inline __m256 load_f16(const void *w, int64_t i) {
    return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)((const uint16_t *)w + i)));
}
#define LOADW1(w, j) _mm256_set1_ps(CK_W1(w, j))
#define CK_W1(w, j) (ck_w1_kind == 0 ? ((const float *)(w))[j] : ck_h2f(((const uint16_t *)(w))[j]))

#define ck_w1_kind 0
CK_FLOAT_TILE(f32, load_f32)
#undef ck_w1_kind
#define ck_w1_kind 1
CK_FLOAT_TILE(f16, load_f16)
#undef ck_w1_kind

#define CK_DISPATCH_FLOAT(NAME)                                                                       \
    void ck_tile_##NAME(int64_t n, const void *w, const void *x, size_t xs, int ntok, float *out) {   \
        switch (ntok) {                                                                               \
        case 1: NAME##_impl(n, w, x, xs, 1, out); break;                                              \
        case 2: NAME##_impl(n, w, x, xs, 2, out); break;                                              \
        case 3: NAME##_impl(n, w, x, xs, 3, out); break;                                              \
        default: NAME##_impl(n, w, x, xs, 4, out); break;                                             \
        }                                                                                             \
    }
CK_DISPATCH_FLOAT(f32)
CK_DISPATCH_FLOAT(f16)

#else
void ck_tile_f32(int64_t n, const void *w, const void *x, size_t xs, int ntok, float *out) {
    ck_tile_generic(CK_TYPE_F32, n, w, x, xs, ntok, out);
}
void ck_tile_f16(int64_t n, const void *w, const void *x, size_t xs, int ntok, float *out) {
    ck_tile_generic(CK_TYPE_F16, n, w, x, xs, ntok, out);
}
#endif

ck_tile_kernel ck_tile_for(uint32_t type) {
    switch (type) {
    case CK_TYPE_F32: return ck_tile_f32;
    case CK_TYPE_F16: return ck_tile_f16;
    case CK_TYPE_Q4_0: return ck_tile_q4_0;
    case CK_TYPE_Q4_1: return ck_tile_q4_1;
    case CK_TYPE_Q5_0: return ck_tile_q5_0;
    case CK_TYPE_Q5_1: return ck_tile_q5_1;
    case CK_TYPE_Q8_0: return ck_tile_q8_0;
    case CK_TYPE_Q4_K: return ck_tile_q4_K;
    case CK_TYPE_Q5_K: return ck_tile_q5_K;
    case CK_TYPE_Q6_K: return ck_tile_q6_K;
    default: return 0;
    }
}

float ck_vec_dot(uint32_t type, int64_t n, const void *w_row, const void *q8_x) {
    ck_tile_kernel k = ck_tile_for(type);
    if (!k) return 0;
    float out;
    k(n, w_row, q8_x, 0, 1, &out);
    return out;
}

void ck_vec_dot_tile(uint32_t type, int64_t n, const void *w_row, const void *q8_x, size_t q8_stride,
                     int ntok, float *out) {
    ck_tile_kernel k = ck_tile_for(type);
    if (!k || ntok <= 0) return;
    while (ntok > 0) {
        int c = ntok < 4 ? ntok : 4;
        k(n, w_row, q8_x, q8_stride, c, out);
        q8_x = (const uint8_t *)q8_x + (size_t)c * q8_stride;
        out += c;
        ntok -= c;
    }
}
