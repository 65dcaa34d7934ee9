import Hummingbird
import HTTPTypes
import NIOCore

/// The web page for asking the index, served at `GET /`: one HTML file with its CSS and script
/// inline (`Web/index.html`, compiled into the binary), talking to the routes of this server.
extension RAGServer {
    /// The page's bytes.
    static let page = ByteBuffer(bytes: PackageResources.index_html)

    func addPageRoutes(to router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in
            Response(status: .ok, headers: [
                .contentType: "text/html; charset=utf-8",
                .cacheControl: "no-cache",
                // Nothing but this server: no scripts, styles, fonts or images from elsewhere.
                .contentSecurityPolicy: "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
                .xContentTypeOptions: "nosniff",
                HTTPField.Name("Referrer-Policy")!: "no-referrer",
            ], body: ResponseBody(byteBuffer: Self.page))
        }
    }
}
