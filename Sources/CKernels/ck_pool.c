// A small persistent thread pool for the matrix kernels. Decode runs hundreds of matrix-vector
// products per token, so dispatch must cost microseconds: workers spin on a generation counter for
// a short while after each job (the next one usually follows quickly) and only then sleep on a
// condition variable.
//
// Workers *join* a job instead of being waited for: the machine is shared, and a worker that is
// descheduled must not stall the caller. A job's state word holds its generation, a "closed" bit and
// the number of joined workers. The caller runs the task itself, closes the job, and waits only for
// workers that joined; a late worker sees the job closed (or a newer generation) and skips it. Tasks
// therefore hand out work dynamically (atomic counters), so any subset of threads finishes it.
// One caller at a time owns the pool; a concurrent caller runs its job inline.
#define _GNU_SOURCE
#include "ck_internal.h"
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#define CK_MAX_THREADS 64
// Spin iterations (each a pause instruction, ~10-70 ns) before a worker sleeps: ~0.1-0.5 ms.
#define CK_SPIN_LIMIT 8192

#define STATE_CLOSED ((uint64_t)1 << 31)
#define STATE_COUNT ((uint64_t)0x7FFFFFFF)
#define STATE_GEN(s) ((s) >> 32)
#define GEN_TAG(g) ((g) & 0xFFFFFFFFu)  // the state word keeps the low 32 bits of the generation

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int pool_threads = 0;  // configured thread count, 0 = not yet chosen
static int pool_workers = 0;          // workers started (guarded by pool_lock)

static _Atomic uint64_t job_generation = 0;
static _Atomic uint64_t job_state = STATE_CLOSED;  // generation << 32 | closed | joined count
static ck_task_fn job_fn;
static void *job_ctx;
static int job_nth;

static pthread_mutex_t sleep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sleep_cond = PTHREAD_COND_INITIALIZER;
static _Atomic int sleepers = 0;

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#endif
}

// Generation each worker starts from, recorded before it is created (a worker must not read the
// counter itself: the job it was started for may already have bumped it).
static uint64_t start_generation[CK_MAX_THREADS];

/// Joins job `gen` if it is still open; returns 1 when joined.
static int try_join(uint64_t gen) {
    uint64_t s = atomic_load(&job_state);
    while (STATE_GEN(s) == GEN_TAG(gen) && !(s & STATE_CLOSED)) {
        if (atomic_compare_exchange_weak(&job_state, &s, s + 1)) return 1;
    }
    return 0;
}

static void *worker_main(void *arg) {
    const int ith = (int)(intptr_t)arg;
    uint64_t seen = start_generation[ith];
    for (;;) {
        uint64_t g;
        int spins = 0;
        while ((g = atomic_load_explicit(&job_generation, memory_order_acquire)) == seen) {
            if (++spins < CK_SPIN_LIMIT) {
                cpu_relax();
                continue;
            }
            pthread_mutex_lock(&sleep_lock);
            atomic_fetch_add(&sleepers, 1);
            while ((g = atomic_load(&job_generation)) == seen) pthread_cond_wait(&sleep_cond, &sleep_lock);
            atomic_fetch_sub(&sleepers, 1);
            pthread_mutex_unlock(&sleep_lock);
            break;
        }
        seen = g;
        if (try_join(g)) {
            if (ith < job_nth) job_fn(job_ctx, ith, job_nth);
            atomic_fetch_sub_explicit(&job_state, 1, memory_order_acq_rel);
        }
    }
    return NULL;
}

static int default_threads(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) n = 1;
    if (n > CK_MAX_THREADS) n = CK_MAX_THREADS;
    return (int)n;
}

void ck_set_threads(int n) {
    if (n < 1) n = 1;
    if (n > CK_MAX_THREADS) n = CK_MAX_THREADS;
    atomic_store(&pool_threads, n);
}

int ck_threads(void) {
    int n = atomic_load(&pool_threads);
    if (n == 0) {
        int expected = 0;
        atomic_compare_exchange_strong(&pool_threads, &expected, default_threads());
        n = atomic_load(&pool_threads);
    }
    return n;
}

void ck_parallel(ck_task_fn fn, void *ctx) {
    const int nth = ck_threads();
    if (nth == 1 || pthread_mutex_trylock(&pool_lock) != 0) {
        fn(ctx, 0, 1);
        return;
    }
    // Start missing workers (ids 1..nth-1); a worker that fails to start shrinks this job.
    while (pool_workers < nth - 1) {
        pthread_t th;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        start_generation[pool_workers + 1] = atomic_load(&job_generation);
        int rc = pthread_create(&th, &attr, worker_main, (void *)(intptr_t)(pool_workers + 1));
        pthread_attr_destroy(&attr);
        if (rc != 0) break;
        pool_workers++;
    }
    const int run_nth = nth < pool_workers + 1 ? nth : pool_workers + 1;
    const uint64_t gen = atomic_load(&job_generation) + 1;
    job_fn = fn;
    job_ctx = ctx;
    job_nth = run_nth;
    atomic_store(&job_state, GEN_TAG(gen) << 32);  // open, nobody joined
    atomic_store(&job_generation, gen);            // seq_cst: pairs with the sleepers check below
    if (atomic_load(&sleepers) > 0) {
        pthread_mutex_lock(&sleep_lock);
        pthread_cond_broadcast(&sleep_cond);
        pthread_mutex_unlock(&sleep_lock);
    }
    fn(ctx, 0, run_nth);
    atomic_fetch_or(&job_state, STATE_CLOSED);
    while (atomic_load_explicit(&job_state, memory_order_acquire) & STATE_COUNT) cpu_relax();
    pthread_mutex_unlock(&pool_lock);
}

// ---- Ranges over the pool (Swift's ParallelFor) ---------------------------------------------------

typedef struct {
    ck_range_fn fn;
    void *ctx;
    int64_t count, parts;
    _Alignas(64) _Atomic int64_t next;  // own cache line
} ck_ranges_job;

static void ranges_task(void *ctx, int ith, int nth) {
    (void)ith; (void)nth;
    ck_ranges_job *job = ctx;
    for (;;) {
        const int64_t i = atomic_fetch_add_explicit(&job->next, 1, memory_order_relaxed);
        if (i >= job->parts) break;
        const int64_t lo = job->count * i / job->parts, hi = job->count * (i + 1) / job->parts;
        if (lo < hi) job->fn(job->ctx, lo, hi);
    }
}

void ck_parallel_ranges(int64_t count, int64_t parts, ck_range_fn fn, void *ctx) {
    if (count <= 0) return;
    if (parts < 1) parts = 1;
    if (parts > count) parts = count;
    if (parts == 1) { fn(ctx, 0, count); return; }
    ck_ranges_job job = { .fn = fn, .ctx = ctx, .count = count, .parts = parts };
    atomic_init(&job.next, 0);
    ck_parallel(ranges_task, &job);
}
