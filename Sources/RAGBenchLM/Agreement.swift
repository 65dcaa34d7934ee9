// Logit agreement with llama.cpp on many prompts (rag-bench-lm MODEL --agreement REFS.json).
//
// REFS.json comes from benchmarks/llm/agreement_peer.py: per prompt the token ids, llama.cpp's
// top-10 logits at the last position after one batched evaluation, and llama.cpp's own logits for
// the same ids when it feeds the prompt one token at a time. For each prompt we take the largest
// difference over the reference's top 5 and report its median, 90th percentile and maximum over
// the prompts, for our batched prefill and for llama.cpp against itself, and how often the
// arg-max agrees.
import Foundation
import LanguageModels

struct AgreementReferences: Decodable {
    struct Item: Decodable {
        let id: String
        let ids: [Int32]
        let top_ids: [Int]
        let top_logits: [Float]
        let token_by_token_logits: [Float]
    }
    let model: String
    let items: [Item]
}

func runAgreement(model: LlamaModel, modelName: String, references url: URL) throws -> [String: Any] {
    let references = try JSONDecoder().decode(AgreementReferences.self, from: Data(contentsOf: url))
    let longest = references.items.map(\.ids.count).max() ?? 1
    let session = model.makeSession(contextLength: longest + 1)
    var ours: [Float] = [], selfSpread: [Float] = []
    var argmaxAgree = 0, selfArgmaxAgree = 0
    for item in references.items {
        session.truncate(to: 0)
        let logits = try session.append(item.ids)
        var worst: Float = 0, worstSelf: Float = 0
        for k in 0..<min(5, item.top_ids.count) {
            worst = max(worst, abs(logits[item.top_ids[k]] - item.top_logits[k]))
            worstSelf = max(worstSelf, abs(item.token_by_token_logits[k] - item.top_logits[k]))
        }
        ours.append(worst)
        selfSpread.append(worstSelf)
        var best = 0
        for i in logits.indices where logits[i] > logits[best] { best = i }
        if best == item.top_ids[0] { argmaxAgree += 1 }
        let selfBest = item.token_by_token_logits.indices.max { item.token_by_token_logits[$0] < item.token_by_token_logits[$1] }!
        if selfBest == 0 { selfArgmaxAgree += 1 }
    }
    func quantile(_ values: [Float], _ q: Double) -> Double {
        let sorted = values.sorted()
        let value = sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * q + 0.5))]
        return (Double(value) * 1000).rounded() / 1000
    }
    return [
        "model": modelName, "prompts": references.items.count,
        "ours_top5_max_diff": ["median": quantile(ours, 0.5), "p90": quantile(ours, 0.9), "max": quantile(ours, 1)],
        "llamacpp_token_by_token_top5_max_diff": ["median": quantile(selfSpread, 0.5), "p90": quantile(selfSpread, 0.9),
                                                  "max": quantile(selfSpread, 1)],
        "ours_argmax_agreement": Double(argmaxAgree) / Double(references.items.count),
        "llamacpp_token_by_token_argmax_agreement": Double(selfArgmaxAgree) / Double(references.items.count),
    ]
}
