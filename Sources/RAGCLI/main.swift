print("rag")
