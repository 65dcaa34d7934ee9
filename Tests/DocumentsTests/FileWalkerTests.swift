import Foundation
import Testing
@testable import Documents

@Suite("File walker")
struct FileWalkerTests {
    /// A fresh folder tree:
    /// a.html, b.md, img.png, big.txt (2 KB), .hidden.txt, .secret/x.txt, .git/config, sub/c.xml, sub/deep/d.txt, node/e.md
    func makeTree() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("walker-\(UUID().uuidString)")
        let files = ["a.html": "<p>a</p>", "b.md": "# b", "img.png": "PNG", ".hidden.txt": "h", ".secret/x.txt": "x",
                     ".git/config": "[core]", "sub/c.xml": "<c/>", "sub/deep/d.txt": "d", "node/e.md": "e",
                     "big.txt": String(repeating: "word ", count: 400)]
        for (path, content) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: true, encoding: .utf8)
        }
        return root
    }

    func names(_ files: [SourceFile], under root: URL) -> [String] {
        files.map { String($0.url.path.dropFirst(root.standardizedFileURL.path.count + 1)) }
    }

    @Test func skipsHiddenVCSAndBinaryExtensionsAndSorts() throws {
        let root = try makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let (files, problems) = FileWalker().walk([root])
        #expect(problems.isEmpty)
        #expect(names(files, under: root) == ["a.html", "b.md", "big.txt", "node/e.md", "sub/c.xml", "sub/deep/d.txt"])
        #expect(files.first { $0.url.lastPathComponent == "big.txt" }?.size == 2000)
    }

    @Test func hiddenAndVCSOnRequest() throws {
        let root = try makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let hidden = names(FileWalker(options: .init(includeHidden: true)).walk([root]).files, under: root)
        #expect(hidden.contains(".hidden.txt") && hidden.contains(".secret/x.txt") && !hidden.contains(".git/config"))
        let vcs = names(FileWalker(options: .init(includeHidden: true, includeVCS: true)).walk([root]).files, under: root)
        #expect(vcs.contains(".git/config"))
    }

    @Test func globsIncludeAndExclude() throws {
        let root = try makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        func walk(_ globs: [String]) -> [String] { names(FileWalker(options: .init(globs: globs)).walk([root]).files, under: root) }
        #expect(walk(["*.md"]) == ["b.md", "node/e.md"])
        #expect(walk(["!*.md"]) == ["a.html", "big.txt", "sub/c.xml", "sub/deep/d.txt"])
        #expect(walk(["*.{md,xml}", "!node"]) == ["b.md", "sub/c.xml"])
        #expect(walk(["sub/**/*.txt"]) == ["sub/deep/d.txt"])
        #expect(walk(["**/*.txt", "!big*"]) == ["sub/deep/d.txt"])
        #expect(walk(["!sub/", "!node/", "!*.txt"]) == ["a.html", "b.md"])
        #expect(walk(["*.png"]) == ["img.png"])   // an explicit glob overrides the binary-extension skip
    }

    @Test func problemsAreReturnedNotThrown() throws {
        let root = try makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let missing = root.appendingPathComponent("nope")
        let (files, problems) = FileWalker(options: .init(maxFileSize: 1000)).walk([missing, root])
        #expect(!files.isEmpty)
        #expect(problems.count == 2)
        #expect(problems.contains { $0.path == missing.path && $0.reason.contains("no such") })
        #expect(problems.contains { $0.path.hasSuffix("big.txt") && $0.reason.contains("over the limit") })
    }

    @Test func explicitFilesAreTakenAsGiven() throws {
        let root = try makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let hidden = root.appendingPathComponent(".hidden.txt")
        let (files, problems) = FileWalker().walk([hidden, hidden])
        #expect(problems.isEmpty)
        #expect(files.map(\.url.path) == [hidden.path])
    }

    @Test func specialFilesAreReported() throws {
        let root = try makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let fifo = root.appendingPathComponent("pipe").path
        guard mkfifo(fifo, 0o600) == 0 else { return }
        let (files, problems) = FileWalker().walk([URL(fileURLWithPath: fifo), root])
        #expect(problems.map(\.path) == [fifo])
        #expect(!files.contains { $0.url.path == fifo })
    }

    @Test func globMatching() {
        #expect(Glob("*.html").matches(relativePath: "a/b/c.html"))
        #expect(!Glob("*.html").matches(relativePath: "a/b/c.htm"))
        #expect(Glob("docs/*.md").matches(relativePath: "docs/x.md"))
        #expect(!Glob("docs/*.md").matches(relativePath: "docs/sub/x.md"))
        #expect(Glob("docs/**/x.md").matches(relativePath: "docs/x.md"))
        #expect(Glob("docs/**/x.md").matches(relativePath: "docs/a/b/x.md"))
        #expect(Glob("file?.[ch]").matches(relativePath: "file1.c"))
        #expect(!Glob("file?.[!ch]").matches(relativePath: "file1.c"))
        #expect(Glob("[a-c]*").matches(relativePath: "beta"))
        #expect(Glob("!*.gz").isExclusion)
    }
}
