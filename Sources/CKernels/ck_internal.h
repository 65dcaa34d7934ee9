#ifndef CK_INTERNAL_H
#define CK_INTERNAL_H
// Block layouts of the ggml quantization formats (as stored in GGUF files) and helpers shared by the
// kernel files. Layout facts follow ggml's public format description: every block starts with its
// scale(s) as IEEE half floats; 4-bit quants store element j in the low nibble of byte j and element
// j + 16 (legacy) or j + 32 (K-quants, per 64-element chunk) in the high nibble.
#include "CKernels.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#define CK_QK 32    // elements per legacy block
#define CK_QKK 256  // elements per K-quant super-block

typedef uint16_t ck_half;

typedef struct { ck_half d; uint8_t qs[16]; } ck_block_q4_0;                     // 18 bytes
typedef struct { ck_half d, m; uint8_t qs[16]; } ck_block_q4_1;                  // 20 bytes
typedef struct { ck_half d; uint8_t qh[4]; uint8_t qs[16]; } ck_block_q5_0;      // 22 bytes
typedef struct { ck_half d, m; uint8_t qh[4]; uint8_t qs[16]; } ck_block_q5_1;   // 24 bytes
typedef struct { ck_half d; int8_t qs[32]; } ck_block_q8_0;                      // 34 bytes
// K-quants: 8 sub-blocks of 32 with 6-bit scales and mins packed in 12 bytes.
typedef struct { ck_half d, dmin; uint8_t scales[12]; uint8_t qs[128]; } ck_block_q4_K;              // 144
typedef struct { ck_half d, dmin; uint8_t scales[12]; uint8_t qh[32]; uint8_t qs[128]; } ck_block_q5_K; // 176
// Q6_K: 16 sub-blocks of 16 with signed 8-bit scales; low 4 bits in ql, high 2 bits in qh.
typedef struct { uint8_t ql[128]; uint8_t qh[64]; int8_t scales[16]; ck_half d; } ck_block_q6_K;     // 210

// Activation blocks (our own formats, never stored in files).
// Legacy: x ≈ d * qs; s = d * Σ qs (for the offset/min terms of Q4_0/Q4_1/Q5_0/Q5_1).
typedef struct { float d; float s; int8_t qs[32]; } ck_block_q8x;                 // 40 bytes
// K: x ≈ d * qs; bsums[i] = Σ qs[16i ..< 16i+16].
typedef struct { float d; int8_t qs[256]; int16_t bsums[16]; } ck_block_q8K;      // 292 bytes

_Static_assert(sizeof(ck_block_q4_0) == 18, "q4_0 layout");
_Static_assert(sizeof(ck_block_q4_1) == 20, "q4_1 layout");
_Static_assert(sizeof(ck_block_q5_0) == 22, "q5_0 layout");
_Static_assert(sizeof(ck_block_q5_1) == 24, "q5_1 layout");
_Static_assert(sizeof(ck_block_q8_0) == 34, "q8_0 layout");
_Static_assert(sizeof(ck_block_q4_K) == 144, "q4_K layout");
_Static_assert(sizeof(ck_block_q5_K) == 176, "q5_K layout");
_Static_assert(sizeof(ck_block_q6_K) == 210, "q6_K layout");
_Static_assert(sizeof(ck_block_q8x) == 40, "q8x layout");
_Static_assert(sizeof(ck_block_q8K) == 292, "q8K layout");

/// IEEE half -> float without hardware help (reference path).
static inline float ck_half_to_float_ref(ck_half h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    uint32_t exp = (h >> 10) & 0x1F;
    uint32_t man = h & 0x3FF;
    uint32_t bits;
    if (exp == 0) {
        if (man == 0) {
            bits = sign;
        } else {  // subnormal: renormalise
            int e = -1;
            do { man <<= 1; e++; } while ((man & 0x400) == 0);
            man &= 0x3FF;
            bits = sign | ((uint32_t)(127 - 15 - e) << 23) | (man << 13);
        }
    } else if (exp == 31) {
        bits = sign | 0x7F800000u | (man << 13);
    } else {
        bits = sign | ((exp + 127 - 15) << 23) | (man << 13);
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

/// IEEE half -> float, F16C when available.
static inline float ck_h2f(ck_half h) {
#if defined(__F16C__)
    return _cvtsh_ss(h);
#else
    return ck_half_to_float_ref(h);
#endif
}

/// 6-bit scale and min of sub-block j (0..<8) of a Q4_K/Q5_K super-block.
static inline void ck_scale_min_k4(int j, const uint8_t *q, uint8_t *sc, uint8_t *mn) {
    if (j < 4) {
        *sc = q[j] & 63;
        *mn = q[j + 4] & 63;
    } else {
        *sc = (uint8_t)((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
        *mn = (uint8_t)((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
    }
}

/// Grows a per-thread scratch buffer (`*buffer`, `*capacity` bytes: thread-local variables of the
/// caller) to at least `bytes`, 64-byte aligned, in whole pages; never shrinks it. NULL when out of memory.
static inline void *ck_scratch_grow(void **buffer, size_t *capacity, size_t bytes) {
    if (bytes > *capacity) {
        free(*buffer);
        const size_t size = (bytes + 4095) & ~(size_t)4095;
        *buffer = aligned_alloc(64, size);
        *capacity = *buffer ? size : 0;
    }
    return *buffer;
}

/// float -> bfloat16, rounding to nearest even (NaN stays a quiet NaN), as VCVTNE2PS2BF16 does for
/// normal numbers.
static inline uint16_t ck_float_to_bf16(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    if ((u & 0x7FFFFFFFu) > 0x7F800000u) return (uint16_t)((u >> 16) | 0x40);
    u += 0x7FFFu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}

/// bfloat16 -> float (exact).
static inline float ck_bf16_to_float(uint16_t h) {
    uint32_t u = (uint32_t)h << 16;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/// Activation format class of a weight type.
enum { CK_ACT_FLOAT = 0, CK_ACT_Q8X = 1, CK_ACT_Q8K = 2, CK_ACT_NONE = -1 };
static inline int ck_act_kind(uint32_t type) {
    switch (type) {
    case CK_TYPE_F32: case CK_TYPE_F16: return CK_ACT_FLOAT;
    case CK_TYPE_Q4_0: case CK_TYPE_Q4_1: case CK_TYPE_Q5_0: case CK_TYPE_Q5_1: case CK_TYPE_Q8_0:
        return CK_ACT_Q8X;
    case CK_TYPE_Q4_K: case CK_TYPE_Q5_K: case CK_TYPE_Q6_K: return CK_ACT_Q8K;
    default: return CK_ACT_NONE;
    }
}

/// Quantizes `ntok` rows of `columns` activations for `type` into the calling thread's scratch (on
/// the pool when large); returns it (NULL if it cannot be allocated) and its row stride in `row_size`.
/// Valid until this thread's next call.
uint8_t *ck_quantize_rows(uint32_t type, const float *x, int64_t columns, int64_t ntok, size_t *row_size);

/// A tile kernel: out[t] = w_row · x_t for t in 0..<ntok (1...4).
typedef void (*ck_tile_kernel)(int64_t n, const void *w, const void *x, size_t xs, int ntok, float *out);

void ck_tile_f32(int64_t n, const void *w, const void *x, size_t xs, int ntok, float *out);
void ck_tile_f16(int64_t n, const void *w, const void *x, size_t xs, int ntok, float *out);
void ck_tile_q4_0(int64_t n, const void *w, const void *x, size_t xs, int ntok, float *out);
void ck_tile_q4_1(int64_t n, const void *w, const void *x, size_t xs, int ntok, float *out);
void ck_tile_q5_0(int64_t n, const void *w, const void *x, size_t xs, int ntok, float *out);
void ck_tile_q5_1(int64_t n, const void *w, const void *x, size_t xs, int ntok, float *out);
void ck_tile_q8_0(int64_t n, const void *w, const void *x, size_t xs, int ntok, float *out);
void ck_tile_q4_K(int64_t n, const void *w, const void *x, size_t xs, int ntok, float *out);
void ck_tile_q5_K(int64_t n, const void *w, const void *x, size_t xs, int ntok, float *out);
void ck_tile_q6_K(int64_t n, const void *w, const void *x, size_t xs, int ntok, float *out);

ck_tile_kernel ck_tile_for(uint32_t type);

/// An 8-row kernel of the interleaved layout: out[t][0..8) = rows 8g..8g+7 of W · x_t for ntok
/// (1...4) tokens; `gw` points at the group's first block column, nb is the number of block columns.
typedef void (*ck_group_kernel)(int64_t nb, const uint8_t *gw, const uint8_t *x, size_t xs, int ntok,
                                float *out /* [ntok][8] */);
/// The 8-row kernel of `type`, or 0 if it has no interleaved layout.
ck_group_kernel ck_group_kernel_for(uint32_t type);
/// Bytes of one group-block (8 rows × one block column) of the interleaved layout; 0 if none.
size_t ck_group_block_bytes(uint32_t type);

#endif
