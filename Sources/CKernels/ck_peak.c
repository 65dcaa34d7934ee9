// Arithmetic peak probes for the benchmarks: chains of independent FMAs (fp32) or VDPBF16PS (bf16)
// on registers only, on every pool thread, so "achieved GFLOP/s" can be quoted against what these
// cores actually sustain rather than a datasheet figure.
#include "ck_internal.h"
#include <stdatomic.h>
#include <time.h>

#define CHAINS 12
#define STEPS 2000000

static double seconds_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

#if defined(__x86_64__) && defined(__clang__)
__attribute__((target("avx512f"))) static float burn_fp32(void) {
    __m512 a[CHAINS];
    for (int i = 0; i < CHAINS; i++) a[i] = _mm512_set1_ps((float)i);
    const __m512 x = _mm512_set1_ps(0.999f), y = _mm512_set1_ps(1e-3f);
    for (long s = 0; s < STEPS; s++) {
        for (int i = 0; i < CHAINS; i++) a[i] = _mm512_fmadd_ps(a[i], x, y);
        __asm__ volatile("" : : "v"(a[0]));
    }
    float sum = 0;
    for (int i = 0; i < CHAINS; i++) sum += _mm512_reduce_add_ps(a[i]);
    return sum;
}

__attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16"))) static float burn_bf16(void) {
    __m512 a[CHAINS];
    for (int i = 0; i < CHAINS; i++) a[i] = _mm512_set1_ps((float)i);
    const __m512bh x = (__m512bh)_mm512_set1_epi32(0x3F803F80), y = (__m512bh)_mm512_set1_epi32(0x3A803A80);
    for (long s = 0; s < STEPS; s++) {
        for (int i = 0; i < CHAINS; i++) a[i] = _mm512_dpbf16_ps(a[i], x, y);
        __asm__ volatile("" : : "v"(a[0]));
    }
    float sum = 0;
    for (int i = 0; i < CHAINS; i++) sum += _mm512_reduce_add_ps(a[i]);
    return sum;
}
#endif

typedef struct {
    int bf16;
    _Atomic int next, done;
    _Atomic float sink;
} probe_job;

static void probe_task(void *ctx, int ith, int nth) {
    (void)ith; (void)nth;
    probe_job *job = ctx;
    // One burn per pool thread; a thread that joins late still runs at most one.
    if (atomic_fetch_add(&job->next, 1) >= ck_threads()) return;
#if defined(__x86_64__) && defined(__clang__)
    float v = job->bf16 ? burn_bf16() : burn_fp32();
    atomic_store(&job->sink, v);
#endif
    atomic_fetch_add(&job->done, 1);
}

double ck_peak_gflops(int bf16) {
#if defined(__x86_64__) && defined(__clang__)
    if (bf16 && !ck_cpu_has_avx512bf16()) return 0;
    if (!bf16 && !__builtin_cpu_supports("avx512f")) return 0;
    probe_job job = { .bf16 = bf16 };
    const double t0 = seconds_now();
    ck_parallel(probe_task, &job);
    const double dt = seconds_now() - t0;
    const double per_instruction = bf16 ? 64.0 : 32.0;  // 16 lanes × (2 pairs × 2 | 2) flops
    return atomic_load(&job.done) * (double)STEPS * CHAINS * per_instruction / dt / 1e9;
#else
    (void)bf16;
    return 0;
#endif
}
