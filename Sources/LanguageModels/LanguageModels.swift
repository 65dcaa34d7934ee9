// Placeholder: the LanguageModels module is being written.
