import Foundation
import Testing
@testable import Documents

@Suite("Robustness")
struct RobustnessTests {
    @Test func deeplyNestedHTMLDoesNotExhaustTheStack() throws {
        let depth = 50_000
        let html = "<html><body>" + String(repeating: "<div><span>", count: depth) + "deep text"
            + String(repeating: "</span></div>", count: depth) + "<p>after</p></body></html>"
        // libxml2 stops at its nesting limit; the page is then reported, never a crash.
        do {
            let d = try single(html, name: "deep.html")
            #expect(d.text.contains("deep text"))
        } catch let error as DocumentError {
            guard case .malformed(_, .html, let reason) = error else { Issue.record("\(error)"); return }
            #expect(reason.lowercased().contains("depth"))
        }
    }

    @Test func deeplyNestedXMLIsRecoveredOrReported() {
        let depth = 20_000
        let xml = "<r>" + String(repeating: "<a>", count: depth) + "deep" + String(repeating: "</a>", count: depth) + "</r>"
        // libxml2 refuses excessive depth without XML_PARSE_HUGE; either outcome is fine, a crash is not.
        do {
            let d = try single(xml, name: "deep.xml")
            #expect(d.text.count < 100)
        } catch let error as DocumentError {
            #expect(error.path == "deep.xml")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func concurrentLoadsAgree() async throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Paths.corpus.appendingPathComponent("veldmoor").path).sorted()
        let urls = names.map { Paths.corpus.appendingPathComponent("veldmoor").appendingPathComponent($0) }
            + [Paths.fixture("malformed.html"), Paths.fixture("malformed.xml"), Paths.fixture("charset-latin1.html")]
        let serial = try urls.map { try DocumentLoader.load($0).documents.map(\.text) }
        let parallel = try await withThrowingTaskGroup(of: (Int, [String]).self) { group in
            for round in 0..<8 {
                for (i, url) in urls.enumerated() {
                    group.addTask { (i + round * 0, try DocumentLoader.load(url).documents.map(\.text)) }
                }
            }
            var results: [(Int, [String])] = []
            for try await result in group { results.append(result) }
            return results
        }
        for (i, texts) in parallel { #expect(texts == serial[i]) }
    }

    @Test func loaderNeverPrintsLibxmlErrors() throws {
        // The malformed fixtures raise many libxml2 errors; they must come back as warnings.
        let html = try DocumentLoader.load(Paths.fixture("malformed.html"))
        let xml = try DocumentLoader.load(Paths.fixture("malformed.xml"))
        #expect(!xml.warnings.isEmpty)
        #expect(html.documents.count == 1)
    }
}
