// Checks the C kernels built for other CPUs (portable C, AVX2 without VNNI, native) against the
// reference dequantize-then-dot: file-layout and repacked products of every type. Run by
// benchmarks/kernels/check-fallbacks.sh; the Swift tests cover only the build machine's own path.
#include "CKernels.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
static uint64_t st = 12345;
static uint32_t rnd(void) { st ^= st << 13; st ^= st >> 7; st ^= st << 17; return (uint32_t)st; }
static uint16_t half_of(float f) { // small positive values only
    int e; float m = frexpf(f, &e); // f = m * 2^e, m in [0.5,1)
    int exp = e - 1 + 15; uint32_t man = (uint32_t)((m * 2 - 1) * 1024);
    return (uint16_t)(exp << 10 | man);
}
int main(void) {
    uint32_t types[] = {0, 1, 2, 3, 6, 7, 8, 12, 13, 14};
    int bad = 0;
    for (int ti = 0; ti < 10; ti++) {
        uint32_t t = types[ti];
        int64_t cols = 512, rows = 21, n = 3;
        size_t rs = ck_row_size(t, cols);
        uint8_t *w = malloc(rs * rows);
        for (size_t i = 0; i < rs * rows; i++) w[i] = (uint8_t)rnd();
        int64_t be = ck_block_elements(t);
        size_t bb = ck_row_size(t, be);
        for (size_t b = 0; b < rs * rows / bb; b++) {
            uint8_t *blk = w + b * bb;
            uint16_t h = half_of(0.01f);
            if (t == 0) { for (int k = 0; k < 1; k++) { float v = (float)(rnd() % 200) / 100 - 1; memcpy(blk, &v, 4);} }
            else if (t == 1) { uint16_t v = half_of(0.5f); memcpy(blk, &v, 2); }
            else if (t == 14) memcpy(blk + 208, &h, 2);
            else { memcpy(blk, &h, 2); if (t == 3 || t == 7 || t == 12 || t == 13) memcpy(blk + 2, &h, 2); }
            if (t == 8) for (int k = 2; k < 34; k++) if (blk[k] == 0x80) blk[k] = 0x81;
        }
        float *x = malloc(sizeof(float) * cols * n);
        for (int i = 0; i < cols * n; i++) x[i] = (float)(rnd() % 2000) / 1000 - 1;
        float *y1 = malloc(sizeof(float) * rows * n), *y2 = malloc(sizeof(float) * rows * n);
        ck_matmul(t, w, rows, cols, x, n, y1);
        size_t ps = ck_repack_size(t, rows, cols);
        if (ps) {
            void *p = aligned_alloc(64, (ps + 63) / 64 * 64);
            ck_repack(t, w, rows, cols, p);
            ck_matmul_repacked(t, p, rows, cols, x, n, y2);
            free(p);
        } else memcpy(y2, y1, sizeof(float) * rows * n);
        // reference: dequantize weights and q8 activations
        float *wr = malloc(sizeof(float) * cols), *xr = malloc(sizeof(float) * cols);
        void *q = malloc(ck_q8_row_size(t, cols));
        double worst = 0;
        for (int k = 0; k < n; k++) {
            ck_quantize_row_q8(t, x + k * cols, q, cols);
            ck_dequantize_row_q8(t, q, xr, cols);
            for (int r = 0; r < rows; r++) {
                ck_dequantize_row(t, w + r * rs, wr, cols);
                double s = 0, m = 0;
                for (int c = 0; c < cols; c++) { s += wr[c] * xr[c]; m += fabs(wr[c] * xr[c]); }
                double e1 = fabs(y1[k * rows + r] - s) / (m + 1e-9), e2 = fabs(y2[k * rows + r] - s) / (m + 1e-9);
                if (e1 > worst) worst = e1;
                if (e2 > worst) worst = e2;
            }
        }
        printf("type %2u repack %s worst rel err %.2e\n", t, ps ? "yes" : "no ", worst);
        if (worst > 1e-4) bad++;
    }
    printf(bad ? "FAIL\n" : "OK\n");
    return bad;
}
