#ifndef CK_AVX512_H
#define CK_AVX512_H
// AVX-512 element-wise helpers shared by the encoder kernels (ck_gemm_bf16.c, ck_attention.c). Each
// carries its own target attribute, so callers compiled for a wider target can inline them, and the
// rest of the library builds for any x86-64 (the callers check the CPU at run time).
#include "ck_internal.h"

#if defined(__x86_64__) && defined(__clang__)
#define CK_AVX512_TARGET __attribute__((target("avx512f")))

/// e^x for 16 lanes (Cephes expf: range reduction by ln 2, degree-5 polynomial; ~1 ulp on [-87, 88]).
CK_AVX512_TARGET
static inline __m512 ck_exp512(__m512 x) {
    x = _mm512_max_ps(_mm512_min_ps(x, _mm512_set1_ps(88.3f)), _mm512_set1_ps(-87.3f));
    const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504f)), _MM_FROUND_TO_NEAREST_INT);
    const __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), _mm512_fmadd_ps(n, _mm512_set1_ps(2.12194440e-4f), x));
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    const __m512 y = _mm512_add_ps(_mm512_fmadd_ps(p, _mm512_mul_ps(r, r), r), _mm512_set1_ps(1.0f));
    return _mm512_scalef_ps(y, n);
}

/// Exact (erf) GELU for 16 lanes, erf from Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7).
CK_AVX512_TARGET
static inline __m512 ck_gelu512(__m512 x) {
    const __m512 one = _mm512_set1_ps(1.0f);
    const __m512 z = _mm512_mul_ps(_mm512_abs_ps(x), _mm512_set1_ps(0.70710678f));
    // t = 1 / (1 + p z): a 14-bit reciprocal and one Newton step (≈ 2^-28 relative), not a division.
    const __m512 a = _mm512_fmadd_ps(z, _mm512_set1_ps(0.3275911f), one);
    const __m512 t0 = _mm512_rcp14_ps(a);
    const __m512 t = _mm512_mul_ps(t0, _mm512_fnmadd_ps(a, t0, _mm512_set1_ps(2.0f)));
    __m512 p = _mm512_set1_ps(1.061405429f);
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(-1.453152027f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(1.421413741f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(-0.284496736f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(0.254829592f));
    p = _mm512_mul_ps(p, t);
    const __m512 e = _mm512_fnmadd_ps(p, ck_exp512(_mm512_mul_ps(_mm512_sub_ps(_mm512_setzero_ps(), z), z)), one);
    // erf(x) = sign(x) · e: copy x's sign bit onto e.
    const __m512i sign = _mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32((int)0x80000000u));
    const __m512 erf = _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(e), sign));
    return _mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(0.5f), x), _mm512_add_ps(one, erf));
}
#endif
#endif
