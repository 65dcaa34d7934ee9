import Testing
@testable import Routing

@Suite struct RoutingDecisionTests {
    @Test func preferenceShiftsTheDecisionByCost() {
        let p = [0.2, 0.45, 0.35]
        let costs: [Double?] = [1, 8, 16]
        #expect(QuestionRouter.choose(p, costs: costs, preference: .balanced) == .B)
        #expect(QuestionRouter.choose(p, costs: costs, preference: .fast) == .A)
        #expect(QuestionRouter.choose(p, costs: costs, preference: .accurate) == .C)
        // Without measured costs every preference is the classifier's own choice.
        #expect(QuestionRouter.choose(p, costs: [nil, nil, nil], preference: .fast) == .B)
    }

    @Test func lexicalFeaturesReadTheWording() {
        let names = LexicalFeatures.names
        func value(_ q: String, _ name: String) -> Float { LexicalFeatures.values(for: q)[names.firstIndex(of: name)!] }
        #expect(LexicalFeatures.values(for: "x").count == names.count)
        #expect(value("In 1990, who directed Heat?", "wh_who") == 1 && value("In 1990, who directed Heat?", "digits") == 1)
        #expect(value("Are both Heat and Alien American films?", "yes_no") == 1)
        #expect(value("Are both Heat and Alien American films?", "comparison_cues") == 1)
        #expect(value("Who is the mother of the director of the film Heat?", "of_the") == 2)
        #expect(value("Where was Michael Mann's wife born?", "possessive") == 1)
        #expect(value("Which came first, \"Heat\" or \"Alien\"?", "quoted") == 2)
    }
}
