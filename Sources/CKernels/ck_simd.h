#ifndef CK_SIMD_H
#define CK_SIMD_H
// Small SIMD helpers shared by the kernel files (AVX2 with AVX512-VNNI where the CPU has it).
#include "ck_internal.h"

#if defined(__AVX2__) && defined(__FMA__)
#define CK_HAVE_AVX2 1

/// acc + Σ (unsigned u8 × signed s8) over groups of 4 bytes into 8 int32 lanes.
static inline __m256i ck_dpbusd(__m256i acc, __m256i u, __m256i s) {
#if defined(__AVX512VNNI__) && defined(__AVX512VL__)
    return _mm256_dpbusd_epi32(acc, u, s);
#elif defined(__AVXVNNI__)
    return _mm256_dpbusd_avx_epi32(acc, u, s);
#else
    // maddubs saturates at ±32767: fine for our operands (|u| ≤ 128, |s| ≤ 127).
    return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1)));
#endif
}

/// ck_dpbusd for unsigned operands up to 255 (maddubs would saturate without VNNI).
static inline __m256i ck_dpbusd_full(__m256i acc, __m256i u, __m256i s) {
#if (defined(__AVX512VNNI__) && defined(__AVX512VL__)) || defined(__AVXVNNI__)
    return ck_dpbusd(acc, u, s);
#else
    // Widen to 16 bits: bytes 0..7 / 8..15 of each 128-bit lane; madd sums pairs, hadd sums the
    // pairs of pairs back into one lane per 4 consecutive bytes.
    const __m256i zero = _mm256_setzero_si256();
    __m256i ulo = _mm256_unpacklo_epi8(u, zero), uhi = _mm256_unpackhi_epi8(u, zero);
    __m256i slo = _mm256_srai_epi16(_mm256_unpacklo_epi8(s, s), 8);
    __m256i shi = _mm256_srai_epi16(_mm256_unpackhi_epi8(s, s), 8);
    return _mm256_add_epi32(acc, _mm256_hadd_epi32(_mm256_madd_epi16(ulo, slo), _mm256_madd_epi16(uhi, shi)));
#endif
}

/// acc + Σ (int16 × int16) over pairs into 8 int32 lanes.
static inline __m256i ck_dpwssd(__m256i acc, __m256i a, __m256i b) {
#if defined(__AVX512VNNI__) && defined(__AVX512VL__)
    return _mm256_dpwssd_epi32(acc, a, b);
#elif defined(__AVXVNNI__)
    return _mm256_dpwssd_avx_epi32(acc, a, b);
#else
    return _mm256_add_epi32(acc, _mm256_madd_epi16(a, b));
#endif
}

static inline float ck_hsum_ps(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

static inline int ck_hsum_epi32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return _mm_cvtsi128_si32(s);
}

/// 16 packed bytes -> 32 nibbles: low nibbles in bytes 0..15, high nibbles in bytes 16..31.
static inline __m256i ck_unpack_nibbles16(const uint8_t *p) {
    __m128i raw = _mm_loadu_si128((const __m128i *)p);
    __m256i both = _mm256_set_m128i(_mm_srli_epi16(raw, 4), raw);
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0F));
}

/// 32-bit mask -> 32 bytes, 0x10 where the bit is set (the fifth bit of Q5 quants).
static inline __m256i ck_bits_to_0x10(uint32_t bits) {
#if defined(__AVX512BW__) && defined(__AVX512VL__)
    return _mm256_maskz_mov_epi8((__mmask32)bits, _mm256_set1_epi8(0x10));
#else
    // Broadcast the 4 bytes so byte j holds byte j/8 of the mask, then test bit j%8.
    __m256i v = _mm256_set1_epi32((int)bits);
    __m256i shuf = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                    2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
    v = _mm256_shuffle_epi8(v, shuf);
    __m256i bitsel = _mm256_set1_epi64x((long long)0x8040201008040201ULL);
    v = _mm256_cmpeq_epi8(_mm256_and_si256(v, bitsel), bitsel);
    return _mm256_and_si256(v, _mm256_set1_epi8(0x10));
#endif
}
#endif

#endif
