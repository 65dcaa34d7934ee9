import Foundation
import TestSupport
import Testing
@testable import Embeddings

@Suite struct WordPieceTokenizerTests {
    @Test(.requires(TestModels.miniLMVocabulary)) func goldenTokenIDs() throws {
        let tokenizer = try WordPieceTokenizer(vocabularyURL: TestModels.miniLMVocabulary)
        let golden = try MiniLMGolden.load()
        #expect(golden.items.count == 40)
        for item in golden.items {
            #expect(tokenizer.encode(item.text) == item.ids, "text: \(item.text.debugDescription)")
            #expect(tokenizer.countPieces(item.text) + 2 == item.n_tokens_untruncated, "text: \(item.text.debugDescription)")
        }
    }

    @Test func tinyVocabulary() throws {
        let tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able", "hello", ",", "!", "cafe"]
        let tokenizer = try WordPieceTokenizer(tokens: tokens)
        #expect(tokenizer.encode("Unaffable, HELLO!") == [2, 5, 6, 7, 9, 8, 10, 3])
        #expect(tokenizer.encode("Café") == [2, 11, 3])            // accents stripped, lower-cased
        #expect(tokenizer.encode("unknown") == [2, 1, 3])          // whole word [UNK]
        #expect(tokenizer.encode("hello [SEP] hello") == [2, 8, 3, 8, 3])
        #expect(tokenizer.encode("hello hello hello", maxLength: 4) == [2, 8, 8, 3])
        #expect(tokenizer.encode("") == [2, 3])
    }

    @Test func missingSpecialTokenIsAnError() {
        #expect(throws: EmbeddingsError.self) { try WordPieceTokenizer(tokens: ["a", "b"]) }
    }
}
