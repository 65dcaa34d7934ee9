import Foundation
import PostgresNIO
import Store

/// Keeps the `links` table in step with one write transaction, by the rules of the SQLite index
/// (`TitleMatcher`): inserted chunks get their out-links against the final title dictionary, and
/// existing chunks that may mention a title whose documents changed are matched again.
///
/// The SQLite index finds those existing chunks in an in-memory word index; here the server finds
/// them with the GIN index on `chunks.words` (the texts' words normalised by the title matcher's
/// rules, unstemmed, no stopwords), as a phrase query of the title key's words: the same chunks the
/// matcher would find, so both backends hold the same links (`rag migrate` checks the counts).
struct PostgresLinks {
    private(set) var matcher: TitleMatcher
    private var documentsBefore: [String: [Int64]] = [:]
    private var insertedChunks: [(id: Int64, title: String, text: String)] = []
    private var removedDocuments = Set<Int64>()

    init(matcher: TitleMatcher) {
        self.matcher = matcher
    }

    /// The title dictionary of every stored document.
    static func loadMatcher(_ session: PostgresSession) throws -> TitleMatcher {
        var matcher = TitleMatcher()
        for row in try session.query("SELECT id, title FROM documents", PostgresBindings(), "loading titles") {
            let (id, title) = try row.decode((Int64, String).self)
            matcher.add(document: id, title: title)
        }
        return matcher
    }

    mutating func removing(document id: Int64, title: String) {
        noteKeys(of: title)
        matcher.remove(document: id, title: title)
        removedDocuments.insert(id)
    }

    mutating func inserted(document id: Int64, title: String, chunks: [(id: Int64, text: String)]) {
        noteKeys(of: title)
        matcher.add(document: id, title: title)
        for chunk in chunks { insertedChunks.append((chunk.id, title, chunk.text)) }
    }

    private mutating func noteKeys(of title: String) {
        for key in TitleMatcher.keys(forTitle: title) where documentsBefore[key] == nil {
            documentsBefore[key] = matcher.documents(forKey: key)
        }
    }

    /// Writes the links the recorded changes call for; call once, after the last change.
    mutating func finish(_ session: PostgresSession) throws {
        var from: [Int64] = [], to: [Int64] = []
        for chunk in insertedChunks {
            for target in matcher.linkedDocuments(inText: chunk.text, ownTitle: chunk.title) {
                from.append(chunk.id)
                to.append(target)
            }
        }
        if !from.isEmpty {
            try session.query("""
                INSERT INTO links(chunk_id, document_id) SELECT * FROM unnest($1::bigint[], $2::bigint[]) ON CONFLICT DO NOTHING
                """, try binds(from, to), "writing links")
        }
        let limit = TitleMatcher.maximumDocumentsPerTitle
        var changedKeys: [String] = []
        for (key, before) in documentsBefore {
            let after = matcher.documents(forKey: key)
            guard before != after, before.count <= limit || after.count <= limit else { continue }
            changedKeys.append(key)
        }
        guard !changedKeys.isEmpty else { return }
        let inserted = insertedChunks.map(\.id)
        let candidates = try session.query("""
            SELECT DISTINCT c.id FROM chunks c, unnest($1::text[]) AS k(key)
            WHERE c.words @@ phraseto_tsquery('simple', k.key) AND NOT (c.id = ANY($2::bigint[]))
            """, try binds(changedKeys, inserted), "finding chunks that mention changed titles").map { try $0.decode(Int64.self) }
        try recompute(session, chunks: candidates.sorted())
    }

    /// Replaces the out-links of existing chunks with what the dictionary finds now (only differences written).
    private func recompute(_ session: PostgresSession, chunks ids: [Int64]) throws {
        for start in stride(from: 0, to: ids.count, by: 1_000) {
            let group = Array(ids[start..<min(start + 1_000, ids.count)])
            var have: [Int64: Set<Int64>] = [:]
            for row in try session.query("SELECT chunk_id, document_id FROM links WHERE chunk_id = ANY($1)",
                                         try binds(group), "reading links") {
                let (chunk, document) = try row.decode((Int64, Int64).self)
                have[chunk, default: []].insert(document)
            }
            var addFrom: [Int64] = [], addTo: [Int64] = [], dropFrom: [Int64] = [], dropTo: [Int64] = []
            for row in try session.query("SELECT id, text, title FROM chunks WHERE id = ANY($1)", try binds(group), "reading chunks") {
                let (id, text, title) = try row.decode((Int64, String, String).self)
                let wanted = Set(matcher.linkedDocuments(inText: text, ownTitle: title))
                let current = have[id] ?? []
                for target in current.subtracting(wanted) { dropFrom.append(id); dropTo.append(target) }
                for target in wanted.subtracting(current).sorted() where !removedDocuments.contains(target) {
                    addFrom.append(id); addTo.append(target)
                }
            }
            if !dropFrom.isEmpty {
                try session.query("""
                    DELETE FROM links l USING unnest($1::bigint[], $2::bigint[]) AS d(chunk_id, document_id)
                    WHERE l.chunk_id = d.chunk_id AND l.document_id = d.document_id
                    """, try binds(dropFrom, dropTo), "removing links")
            }
            if !addFrom.isEmpty {
                try session.query("""
                    INSERT INTO links(chunk_id, document_id) SELECT * FROM unnest($1::bigint[], $2::bigint[]) ON CONFLICT DO NOTHING
                    """, try binds(addFrom, addTo), "writing links")
            }
        }
    }
}
