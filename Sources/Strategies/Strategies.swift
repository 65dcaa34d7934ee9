// Placeholder: the Strategies module is being written.
