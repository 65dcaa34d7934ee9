// Placeholder: the RAG module is being written.
