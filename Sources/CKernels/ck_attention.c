// Scaled dot-product self-attention of one sequence and one head, in float, for the sentence encoder:
// context = softmax(scale · Q Kᵀ) V, with Q, K, V the head's columns of the fused QKV activations.
//
// K is transposed once into scratch ([d][L], L padded to 16 with zeros), so the scores of 8 query rows
// against sixteen keys are d fused multiply-adds of one K row segment with each query element broadcast;
// (4 for heads wider than 32) the softmax runs in place (padded keys masked to -inf); their context accumulates
// p_j · v_j over the keys in registers (d/16 vectors per row) and is divided by the row sums at the end.
// AVX-512F only: ck_attention_head returns 0 elsewhere and the caller keeps its BLAS path;
// ck_attention_head_ref in ck_reference.c is the plain twin.
#include "ck_internal.h"
#include "ck_avx512.h"

#include <math.h>

#define ROWS 8  // query rows per group (4 when the head is wider than 32)

size_t ck_attention_scratch(int64_t length, int64_t d) {
    const int64_t lp = (length + 15) / 16 * 16;
    return (size_t)(d + ROWS) * (size_t)lp * sizeof(float);
}

#if defined(__x86_64__) && defined(__clang__)
/// Context rows: Σ_j p_j v_j / Σ_j p_j for a group of `group` rows, `vd` vectors of 16 per row (both
/// constants at each call, so the group × vd ≤ 16 accumulators stay in registers).
CK_AVX512_TARGET __attribute__((always_inline))
static inline void context_rows(const float *scores, int64_t lp, const float *v, int64_t ld, int64_t length,
                                const float *sums, int rows, float *out, int64_t ldo, const int group, const int vd) {
    __m512 acc[ROWS][4];
    for (int r = 0; r < group; r++)
        for (int t = 0; t < vd; t++) acc[r][t] = _mm512_setzero_ps();
    for (int64_t j = 0; j < length; j++) {
        const float *vj = v + j * ld;
        for (int t = 0; t < vd; t++) {
            const __m512 vv = _mm512_loadu_ps(vj + t * 16);
            for (int r = 0; r < group; r++) acc[r][t] = _mm512_fmadd_ps(_mm512_set1_ps(scores[r * lp + j]), vv, acc[r][t]);
        }
    }
    for (int r = 0; r < rows; r++) {
        const __m512 inv = _mm512_set1_ps(1.0f / sums[r]);
        for (int t = 0; t < vd; t++) _mm512_storeu_ps(out + r * ldo + t * 16, _mm512_mul_ps(acc[r][t], inv));
    }
}

/// One group of `group` query rows (`rows` of them real; the others repeat the last and are not stored).
CK_AVX512_TARGET __attribute__((always_inline))
static inline void attend_rows(const float *q, int64_t ld, int rows, const float *kt, const float *v, int64_t length,
                               int64_t lp, int64_t d, float scale, float *scores, float *out, int64_t ldo,
                               const int group, const int vd) {
    const int64_t blocks = lp / 16;
    // Scores: group × lp (row stride lp).
    const float *qr[ROWS];
    for (int r = 0; r < group; r++) qr[r] = q + (r < rows ? r : rows - 1) * ld;
    for (int64_t b = 0; b < blocks; b++) {
        __m512 acc[ROWS];
        for (int r = 0; r < group; r++) acc[r] = _mm512_setzero_ps();
        for (int64_t e = 0; e < d; e++) {
            const __m512 kv = _mm512_loadu_ps(kt + e * lp + b * 16);
            for (int r = 0; r < group; r++) acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(qr[r][e]), kv, acc[r]);
        }
        const int valid = (int)(length - b * 16 < 16 ? length - b * 16 : 16);
        const __mmask16 keep = valid == 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << valid) - 1);
        for (int r = 0; r < group; r++) {
            const __m512 s = _mm512_mask_mov_ps(_mm512_set1_ps(-INFINITY), keep, _mm512_mul_ps(acc[r], _mm512_set1_ps(scale)));
            _mm512_storeu_ps(scores + r * lp + b * 16, s);
        }
    }
    // Softmax numerators in place, and each row's sum.
    float sums[ROWS];
    for (int r = 0; r < group; r++) {
        float *s = scores + r * lp;
        __m512 m = _mm512_set1_ps(-INFINITY);
        for (int64_t b = 0; b < blocks; b++) m = _mm512_max_ps(m, _mm512_loadu_ps(s + b * 16));
        const __m512 mx = _mm512_set1_ps(_mm512_reduce_max_ps(m));
        __m512 total = _mm512_setzero_ps();
        for (int64_t b = 0; b < blocks; b++) {
            const __m512 p = ck_exp512(_mm512_sub_ps(_mm512_loadu_ps(s + b * 16), mx));   // exp(-inf) -> 0
            _mm512_storeu_ps(s + b * 16, p);
            total = _mm512_add_ps(total, p);
        }
        sums[r] = _mm512_reduce_add_ps(total);
    }
    context_rows(scores, lp, v, ld, length, sums, rows, out, ldo, group, vd);
}

CK_AVX512_TARGET
static void attend(const float *q, const float *k, const float *v, int64_t ld, int64_t length, int64_t d,
                   float scale, float *out, int64_t ldo, float *scratch) {
    const int64_t lp = (length + 15) / 16 * 16;
    float *kt = scratch, *scores = scratch + d * lp;
    for (int64_t e = 0; e < d; e++) {
        float *row = kt + e * lp;
        for (int64_t j = 0; j < length; j++) row[j] = k[j * ld + e];
        for (int64_t j = length; j < lp; j++) row[j] = 0;
    }
    const int group = d <= 32 ? 8 : 4;
    for (int64_t i = 0; i < length; i += group) {
        const int rows = (int)(length - i < group ? length - i : group);
        const float *qi = q + i * ld;
        float *oi = out + i * ldo;
        switch (d / 16) {
        case 1: attend_rows(qi, ld, rows, kt, v, length, lp, d, scale, scores, oi, ldo, 8, 1); break;
        case 2: attend_rows(qi, ld, rows, kt, v, length, lp, d, scale, scores, oi, ldo, 8, 2); break;
        case 3: attend_rows(qi, ld, rows, kt, v, length, lp, d, scale, scores, oi, ldo, 4, 3); break;
        default: attend_rows(qi, ld, rows, kt, v, length, lp, d, scale, scores, oi, ldo, 4, 4); break;
        }
    }
}
#endif

int ck_attention_head(const float *q, const float *k, const float *v, int64_t ld, int64_t length, int64_t d,
                      float scale, float *out, int64_t ldo, float *scratch) {
#if defined(__x86_64__) && defined(__clang__)
    if (length <= 0) return 1;
    if (d <= 0 || d > 64 || d % 16 != 0 || !__builtin_cpu_supports("avx512f")) return 0;
    attend(q, k, v, ld, length, d, scale, out, ldo, scratch);
    return 1;
#else
    (void)q; (void)k; (void)v; (void)ld; (void)length; (void)d; (void)scale; (void)out; (void)ldo; (void)scratch;
    return 0;
#endif
}
