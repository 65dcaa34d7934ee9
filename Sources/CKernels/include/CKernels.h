#ifndef CKERNELS_H
#define CKERNELS_H
#include <stddef.h>
#include <stdint.h>

/// Version marker; the kernels themselves live in per-concern headers included below.
int ckernels_version(void);

#endif
