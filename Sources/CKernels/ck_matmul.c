// Matrix-vector (decode) and matrix-matrix (prefill) products over the thread pool.
// Rows are handed out in chunks from an atomic counter, so a thread slowed by another process on
// the machine does not hold the others back. Prefill walks a chunk of weight rows (kept in L1/L2)
// against groups of 4 tokens, so every unpacked weight block serves 4 activation rows.
#include "ck_internal.h"
#include <stdatomic.h>
#include <stdlib.h>

/// Per-caller scratch for quantized activations (grown on demand, never shrunk).
static _Thread_local void *scratch = NULL;
static _Thread_local size_t scratch_size = 0;

static void *scratch_get(size_t bytes) { return ck_scratch_grow(&scratch, &scratch_size, bytes); }

typedef struct {
    ck_tile_kernel kernel;
    const uint8_t *w;
    size_t w_row_size;
    int64_t rows, columns;
    const uint8_t *qx;
    size_t qx_row_size;
    int64_t ntok;
    float *y;
    int64_t chunk;
    _Alignas(64) _Atomic int64_t next;  // own cache line (see ck_repack.c)
} ck_mm_job;

static void matvec_task(void *ctx, int ith, int nth) {
    (void)ith; (void)nth;
    ck_mm_job *job = ctx;
    for (;;) {
        int64_t r0 = atomic_fetch_add_explicit(&job->next, job->chunk, memory_order_relaxed);
        if (r0 >= job->rows) break;
        int64_t r1 = r0 + job->chunk < job->rows ? r0 + job->chunk : job->rows;
        for (int64_t r = r0; r < r1; r++)
            job->kernel(job->columns, job->w + (size_t)r * job->w_row_size, job->qx, 0, 1, &job->y[r]);
    }
}

static void matmul_task(void *ctx, int ith, int nth) {
    (void)ith; (void)nth;
    ck_mm_job *job = ctx;
    float out[4];
    for (;;) {
        int64_t r0 = atomic_fetch_add_explicit(&job->next, job->chunk, memory_order_relaxed);
        if (r0 >= job->rows) break;
        int64_t r1 = r0 + job->chunk < job->rows ? r0 + job->chunk : job->rows;
        for (int64_t t0 = 0; t0 < job->ntok; t0 += 4) {
            int nt = job->ntok - t0 < 4 ? (int)(job->ntok - t0) : 4;
            const uint8_t *xt = job->qx + (size_t)t0 * job->qx_row_size;
            for (int64_t r = r0; r < r1; r++) {
                job->kernel(job->columns, job->w + (size_t)r * job->w_row_size, xt, job->qx_row_size, nt, out);
                for (int t = 0; t < nt; t++) job->y[(t0 + t) * job->rows + r] = out[t];
            }
        }
    }
}

static int64_t pick_chunk(int64_t rows, int nth, int64_t lo) {
    // About 8 chunks per thread, at least `lo` rows each.
    int64_t c = rows / (8 * (int64_t)nth);
    if (c < lo) c = lo;
    return c;
}

void ck_matvec_q8(uint32_t type, const void *w, int64_t rows, int64_t columns, const void *q8_x, float *y) {
    ck_tile_kernel k = ck_tile_for(type);
    if (!k || rows <= 0) return;
    ck_mm_job job = {
        .kernel = k, .w = w, .w_row_size = ck_row_size(type, columns), .rows = rows, .columns = columns,
        .qx = q8_x, .qx_row_size = 0, .ntok = 1, .y = y,
        .chunk = pick_chunk(rows, ck_threads(), 16),
    };
    atomic_init(&job.next, 0);
    if (rows * columns < 32768) {
        matvec_task(&job, 0, 1);
    } else {
        ck_parallel(matvec_task, &job);
    }
}

void ck_matvec(uint32_t type, const void *w, int64_t rows, int64_t columns, const float *x, float *y) {
    if (!ck_tile_for(type)) return;
    void *qx = scratch_get(ck_q8_row_size(type, columns));
    if (!qx) return;
    ck_quantize_row_q8(type, x, qx, columns);
    ck_matvec_q8(type, w, rows, columns, qx, y);
}

typedef struct {
    uint32_t type;
    const float *x;
    int64_t columns, ntok;
    uint8_t *qx;
    size_t qx_row_size;
    _Atomic int64_t next;
} ck_quant_job;

static void quantize_task(void *ctx, int ith, int nth) {
    (void)ith; (void)nth;
    ck_quant_job *job = ctx;
    for (;;) {
        int64_t t = atomic_fetch_add_explicit(&job->next, 1, memory_order_relaxed);
        if (t >= job->ntok) break;
        ck_quantize_row_q8(job->type, job->x + t * job->columns, job->qx + (size_t)t * job->qx_row_size,
                           job->columns);
    }
}

uint8_t *ck_quantize_rows(uint32_t type, const float *x, int64_t columns, int64_t ntok, size_t *row_size) {
    size_t qrow = ck_q8_row_size(type, columns);
    uint8_t *qx = scratch_get(qrow * (size_t)ntok);
    if (!qx) return NULL;
    ck_quant_job qjob = {.type = type, .x = x, .columns = columns, .ntok = ntok, .qx = qx, .qx_row_size = qrow};
    atomic_init(&qjob.next, 0);
    if (ntok * columns < 65536) quantize_task(&qjob, 0, 1); else ck_parallel(quantize_task, &qjob);
    *row_size = qrow;
    return qx;
}

void ck_matmul(uint32_t type, const void *w, int64_t rows, int64_t columns, const float *x, int64_t ntok,
               float *y) {
    ck_tile_kernel k = ck_tile_for(type);
    if (!k || rows <= 0 || ntok <= 0) return;
    if (ntok == 1) {
        ck_matvec(type, w, rows, columns, x, y);
        return;
    }
    size_t qrow;
    uint8_t *qx = ck_quantize_rows(type, x, columns, ntok, &qrow);
    if (!qx) return;
    ck_mm_job job = {
        .kernel = k, .w = w, .w_row_size = ck_row_size(type, columns), .rows = rows, .columns = columns,
        .qx = qx, .qx_row_size = qrow, .ntok = ntok, .y = y,
        .chunk = pick_chunk(rows, ck_threads(), 16),
    };
    atomic_init(&job.next, 0);
    ck_parallel(matmul_task, &job);
}
