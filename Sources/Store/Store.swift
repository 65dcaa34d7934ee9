// Placeholder: the Store module is being written.
