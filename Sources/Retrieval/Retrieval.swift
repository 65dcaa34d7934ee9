// Placeholder: the Retrieval module is being written.
