// Placeholder: the Documents module is being written.
