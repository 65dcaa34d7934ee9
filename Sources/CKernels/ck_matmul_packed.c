// Drivers for the interleaved 8-row layouts (ck_repack.c, ck_repack_k.c): activation quantization,
// work split over the thread pool in chunks of 8-row groups, and the prefill loop order (a chunk of
// groups, kept in L1/L2, against groups of 4 tokens so each unpacked weight block serves 4 rows of
// activations).
#include "ck_internal.h"
#include <stdatomic.h>
#include <stdlib.h>

#define CK_GROUP 8

// ---- Drivers -------------------------------------------------------------------------------------

typedef struct {
    ck_group_kernel kernel;
    const uint8_t *packed;
    size_t group_bytes;  // bytes of one 8-row group (all block columns)
    int64_t rows, nb, groups, ntok;
    const uint8_t *qx;
    size_t qx_row_size;
    float *y;
    int64_t chunk;  // groups per work item
    // The work counter gets its own cache line: threads hammer it while reading the fields above.
    _Alignas(64) _Atomic int64_t next;
} ck_packed_job;

static void packed_task(void *ctx, int ith, int nth) {
    (void)ith; (void)nth;
    ck_packed_job *job = ctx;
    float out[4 * 8];
    for (;;) {
        int64_t g0 = atomic_fetch_add_explicit(&job->next, job->chunk, memory_order_relaxed);
        if (g0 >= job->groups) break;
        int64_t g1 = g0 + job->chunk < job->groups ? g0 + job->chunk : job->groups;
        for (int64_t t0 = 0; t0 < job->ntok; t0 += 4) {
            int nt = job->ntok - t0 < 4 ? (int)(job->ntok - t0) : 4;
            const uint8_t *xt = job->qx + (size_t)t0 * job->qx_row_size;
            for (int64_t g = g0; g < g1; g++) {
                job->kernel(job->nb, job->packed + (size_t)g * job->group_bytes, xt, job->qx_row_size, nt, out);
                int64_t r0 = g * CK_GROUP;
                int nr = job->rows - r0 < CK_GROUP ? (int)(job->rows - r0) : CK_GROUP;
                for (int t = 0; t < nt; t++) {
                    float *yt = job->y + (size_t)(t0 + t) * (size_t)job->rows + r0;
                    if (nr == CK_GROUP) memcpy(yt, out + 8 * t, 32); else memcpy(yt, out + 8 * t, (size_t)nr * 4);
                }
            }
        }
    }
}

void ck_matmul_repacked_q8(uint32_t type, const void *packed, int64_t rows, int64_t columns, const void *q8_x,
                           int64_t ntok, float *y) {
    ck_group_kernel k = ck_group_kernel_for(type);
    if (!k || rows <= 0 || ntok <= 0) return;
    const int64_t nb = columns / ck_block_elements(type);
    const int64_t groups = (rows + CK_GROUP - 1) / CK_GROUP;
    const int nth = ck_threads();
    // Work items: ~4 per thread (load balance when a thread is descheduled, few counter bounces),
    // at least 2 groups (16 rows) each.
    int64_t chunk = groups / (4 * (int64_t)nth);
    if (chunk < 2) chunk = 2;
    ck_packed_job job = {
        .kernel = k, .packed = packed, .group_bytes = (size_t)nb * ck_group_block_bytes(type), .rows = rows,
        .nb = nb, .groups = groups, .ntok = ntok, .qx = q8_x, .qx_row_size = ck_q8_row_size(type, columns),
        .y = y, .chunk = chunk,
    };
    atomic_init(&job.next, 0);
    // Below ~200k multiply-adds (~2 µs on one core) waking a second thread costs more than it saves.
    if (rows * columns * ntok < 200000) packed_task(&job, 0, 1); else ck_parallel(packed_task, &job);
}

void ck_matmul_repacked(uint32_t type, const void *packed, int64_t rows, int64_t columns, const float *x,
                        int64_t ntok, float *y) {
    if (!ck_group_kernel_for(type) || ntok <= 0) return;
    size_t qrow;
    const uint8_t *qx = ck_quantize_rows(type, x, columns, ntok, &qrow);
    if (!qx) return;
    ck_matmul_repacked_q8(type, packed, rows, columns, qx, ntok, y);
}
