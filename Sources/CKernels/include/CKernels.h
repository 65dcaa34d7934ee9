#ifndef CKERNELS_H
#define CKERNELS_H
// Quantized matrix kernels for GGUF (ggml) weight types.
//
// Weight types use ggml's ids as stored in GGUF files:
//   F32=0 F16=1 Q4_0=2 Q4_1=3 Q5_0=6 Q5_1=7 Q8_0=8 Q4_K=12 Q5_K=13 Q6_K=14
// A weight row of `n` elements occupies ck_row_size(type, n) bytes; row r of a matrix starts at
// data + r * ck_row_size(type, columns).
//
// Activations are quantized to 8 bits before integer dot products, as llama.cpp does: blocks of 32
// (scale + sum) for the legacy types, blocks of 256 (scale + 16 partial sums) for the K-quants. F32
// and F16 weights take the activations as plain floats. ck_quantize_row_q8 picks the right format
// for the weight type; ck_q8_row_size says how many bytes it writes.
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    CK_TYPE_F32 = 0,
    CK_TYPE_F16 = 1,
    CK_TYPE_Q4_0 = 2,
    CK_TYPE_Q4_1 = 3,
    CK_TYPE_Q5_0 = 6,
    CK_TYPE_Q5_1 = 7,
    CK_TYPE_Q8_0 = 8,
    CK_TYPE_Q4_K = 12,
    CK_TYPE_Q5_K = 13,
    CK_TYPE_Q6_K = 14,
};

/// Version marker of the kernels library.
int ckernels_version(void);

/// 1 when `type` is a weight type these kernels implement, else 0.
int ck_type_supported(uint32_t type);
/// Number of elements per quantization block of `type` (1 for F32/F16, 32, or 256).
int64_t ck_block_elements(uint32_t type);
/// Bytes of one row of `n` elements (n must be a multiple of ck_block_elements); 0 if unsupported.
size_t ck_row_size(uint32_t type, int64_t n);

/// Plain (reference) dequantization of one row of `n` elements into floats.
void ck_dequantize_row(uint32_t type, const void *src, float *dst, int64_t n);

/// Quantizes activations `x[n]` into the 8-bit format matching `weight_type` (q8 blocks of 32 for
/// Q4_0/Q4_1/Q5_0/Q5_1/Q8_0, q8_K blocks of 256 for the K-quants, a float copy for F32/F16).
void ck_quantize_row_q8(uint32_t weight_type, const float *x, void *dst, int64_t n);
/// Bytes written by ck_quantize_row_q8 for `n` activations.
size_t ck_q8_row_size(uint32_t weight_type, int64_t n);
/// Dequantizes quantized activations back to floats (for tests).
void ck_dequantize_row_q8(uint32_t weight_type, const void *src, float *dst, int64_t n);

/// Dot product of one weight row (n elements) with quantized activations (SIMD fast path).
float ck_vec_dot(uint32_t type, int64_t n, const void *w_row, const void *q8_x);
/// Reference twin of ck_vec_dot: plain dequantization of both sides, then a float dot product.
float ck_vec_dot_ref(uint32_t type, int64_t n, const void *w_row, const void *q8_x);

/// Dot products of one weight row with `ntok` (1...4) quantized activation rows spaced `q8_stride`
/// bytes apart; out[t] = w · x_t. Unpacks each weight block once for all tokens (prefill tile).
void ck_vec_dot_tile(uint32_t type, int64_t n, const void *w_row, const void *q8_x,
                     size_t q8_stride, int ntok, float *out);

/// y[rows] = W · x for a row-major weight matrix W[rows][columns] of `type`; uses the thread pool.
void ck_matvec(uint32_t type, const void *w, int64_t rows, int64_t columns, const float *x, float *y);
/// Same with activations already quantized by ck_quantize_row_q8 (share one quantization between
/// matrices that read the same input, e.g. Q/K/V or gate/up).
void ck_matvec_q8(uint32_t type, const void *w, int64_t rows, int64_t columns, const void *q8_x,
                  float *y);
/// Y[ntok][rows] = X[ntok][columns] · Wᵀ (row-major); uses the thread pool.
void ck_matmul(uint32_t type, const void *w, int64_t rows, int64_t columns, const float *x,
               int64_t ntok, float *y);

// ---- Interleaved 8-row layout -------------------------------------------------------------------
// Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q5_K and Q6_K matrices can be repacked once at load time into
// a layout where 8 rows are interleaved per block column (see ck_repack.c, ck_repack_k.c); its
// kernels need no horizontal reductions and are several times faster than the file layout.

/// Bytes of the repacked form of a rows × columns matrix of `type`; 0 if the type has none.
size_t ck_repack_size(uint32_t type, int64_t rows, int64_t columns);
/// Repacks a file-layout matrix into dst (ck_repack_size bytes, 32-byte aligned is best); 1 on
/// success, 0 if the type/shape has no repacked form.
int ck_repack(uint32_t type, const void *w, int64_t rows, int64_t columns, void *dst);
/// Y[ntok][rows] = X[ntok][columns] · Wᵀ with W repacked; ntok = 1 is the decode matrix-vector case.
void ck_matmul_repacked(uint32_t type, const void *packed, int64_t rows, int64_t columns, const float *x,
                        int64_t ntok, float *y);
/// Same with activations already quantized by ck_quantize_row_q8 (ntok rows of ck_q8_row_size bytes).
void ck_matmul_repacked_q8(uint32_t type, const void *packed, int64_t rows, int64_t columns, const void *q8_x,
                           int64_t ntok, float *y);

// ---- Dense bfloat16 products (the sentence encoder) ------------------------------------------------
// Y[m][n] (=|+=) X[m][k] · Wᵀ + bias with W[n][k] rounded to bfloat16 and packed once
// (ck_bf16_pack), X rounded to bfloat16 per call, float accumulation. AVX-512 BF16 where the CPU
// has it (checked at run time), a portable loop elsewhere; see ck_gemm_bf16.c for the layout.

/// Output columns per packed panel.
#define CK_BF16_NR 48
/// Bytes of the packed form of W[n][k] (k padded to even, n to a multiple of CK_BF16_NR).
size_t ck_bf16_packed_size(int64_t n, int64_t k);
/// Packs row-major float W[n][k] into dst (ck_bf16_packed_size bytes, 64-byte aligned is best).
void ck_bf16_pack(const float *w, int64_t n, int64_t k, uint16_t *dst);
/// Flags of ck_gemm_bf16: add into Y instead of overwriting it; apply exact (erf) GELU to
/// X · Wᵀ + bias before it is stored (or added); run the portable loop even where AVX-512 BF16
/// exists (tests and benchmarks compare the two).
enum { CK_GEMM_ACCUMULATE = 1, CK_GEMM_GELU = 2, CK_GEMM_PORTABLE = 4 };
/// Y[m][n] = X[m][k] · Wᵀ (+ bias[n] when not NULL), then GELU and/or added into Y as `flags` say;
/// uses the thread pool.
void ck_gemm_bf16(const uint16_t *packed, int64_t n, int64_t k, const float *x, int64_t m, float *y,
                  const float *bias, int flags);
/// Reference twin of ck_gemm_bf16 on the unpacked W: X and W rounded to bfloat16 one element at a
/// time, products summed in order in double, GELU from libm's erf.
void ck_gemm_bf16_ref(const float *w, int64_t n, int64_t k, const float *x, int64_t m, float *y,
                      const float *bias, int flags);
/// 1 when this CPU has AVX-512 BF16 (with BW and VL), else 0.
int ck_cpu_has_avx512bf16(void);
/// Measured arithmetic peak of all pool threads in GFLOP/s: AVX-512 fp32 FMAs (bf16 = 0) or
/// VDPBF16PS (bf16 = 1); 0 where the CPU lacks them. Takes about a second; for benchmarks.
double ck_peak_gflops(int bf16);
/// float -> bfloat16 bits, nearest even (the rounding both kernels use).
uint16_t ck_bf16_from_float(float x);

// ---- Attention (the sentence encoder) ----------------------------------------------------------------
/// Bytes of scratch ck_attention_head needs for a sequence of `length` and head width `d`.
size_t ck_attention_scratch(int64_t length, int64_t d);
/// One head of self-attention over one sequence: out[i] = Σ_j softmax_j(scale · q_i·k_j) v_j, with
/// q_i = q[i·ld ..< i·ld + d] (likewise k, v) and out rows at stride `ldo`. AVX-512F with d a multiple
/// of 16 up to 64; returns 0 (and does nothing) where it cannot run, so the caller takes its own path.
int ck_attention_head(const float *q, const float *k, const float *v, int64_t ld, int64_t length, int64_t d,
                      float scale, float *out, int64_t ldo, float *scratch);
/// Reference twin of ck_attention_head: plain loops in double.
void ck_attention_head_ref(const float *q, const float *k, const float *v, int64_t ld, int64_t length, int64_t d,
                           float scale, float *out, int64_t ldo);

// ---- Thread pool ------------------------------------------------------------------------------
/// A task body: called once per thread with its index `ith` in 0..<nth.
typedef void (*ck_task_fn)(void *ctx, int ith, int nth);
/// Sets the number of threads used by the kernels (>= 1; clamped to 64). Default: online CPUs.
void ck_set_threads(int n);
/// Current number of kernel threads.
int ck_threads(void);
/// Runs `fn` on the caller (as i == 0) and on every pool worker that joins in time (worker i of nth)
/// and returns when all calls have finished. Workers that are descheduled may not join at all, so
/// `fn` must take its work from shared state (e.g. an atomic counter) until none is left, not from
/// `ith`. If the pool is busy (another caller) or has one thread, runs fn(ctx, 0, 1) inline.
void ck_parallel(ck_task_fn fn, void *ctx);
/// A range body: called with [lo, hi) of 0..<count.
typedef void (*ck_range_fn)(void *ctx, int64_t lo, int64_t hi);
/// Splits 0..<count into `parts` contiguous ranges and runs them on the pool (handed out from an
/// atomic counter, so whichever threads join do them all); returns when all are done. The one
/// thread pool of the code base: the kernels, the encoder and Swift's ParallelFor all run on it.
void ck_parallel_ranges(int64_t count, int64_t parts, ck_range_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
