// Placeholder: the Kernels module is being written.
