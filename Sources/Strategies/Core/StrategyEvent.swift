/// What a strategy reports while it works, for `--verbose`, streaming and logs.
public enum StrategyEvent: Sendable, Equatable {
    /// Round `round` (0 = the initial retrieval) retrieved `passages` new to the question for `query`.
    case retrieved(round: Int, query: String, passages: [Passage])
    /// The note after round `round` (the candidate, before the reviewer's verdict).
    case note(round: Int, text: String)
    /// The reviewer's verdict on round `round`'s note, with why.
    case verdict(round: Int, accepted: Bool, reason: String)
    /// A reasoning sentence (IRCoT) or a query the model proposed (notes).
    case thought(round: Int, text: String)
    /// A piece of the final answer's text, as it is generated.
    case answerText(String)
    /// Why the loop stopped.
    case stopped(reason: String)
}

/// Receives a strategy's events; called on the strategy's task, so keep it quick.
public typealias StrategyObserver = @Sendable (StrategyEvent) -> Void
