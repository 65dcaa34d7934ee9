/// Common English words that are never linked as one-word titles: a corpus of songs, albums and films
/// has documents titled "This", "Between", "December" or "Home", and every other passage uses the word.
///
/// Only one-word titles are checked ("Home Alone" still links). Words shorter than
/// ``TitleMatcher/minimumTitleCharacters`` are skipped by length already and are not listed.
enum TitleStopwords {
    static let english: Set<String> = Set("""
        able about above across actually after again against ahead almost alone along already also
        although always among another anything anyone anywhere around away back became because become
        becomes been before began behind being believe below beside besides best better between beyond
        both bring brought call called came cannot case cause certain change come comes coming could
        course days dead death does done down during each early either else end ending enough even ever
        every everything example face fact family fast few final find fine first five follow following
        form former forth forty found four free from full further gave general get gets getting give
        given goes going gone good great group half hand hard have having head hear heart help here high
        himself history home however hundred idea into itself just keep kind know known large last late
        later least left less life like line little live lives long look lost love made main make making
        many might more most much must myself name near need never next nine none north nothing often once
        only onto open order other others over part past people perhaps place play point power present
        probably quite rather real really right said same second seven several shall should show shows
        side since single sixty small some someone something sometimes soon south still such sure take
        taken than that their them themselves then there these they thing things think third thirty this
        those though thought thousand three through thus time today together told took toward towards
        true twelve twenty under unit united unless until upon used using very want was well went were
        west east what whatever when where whether which while white black whole whom whose will with
        within without word words work works world would year years yesterday young your yours zero
        again alive another area army band birth blue body book born boys brother brothers champion
        change child children city class club company country culture dance dark daughter days decade
        dream earth education electric energy episode events everyone father fire flight force forest
        friends game games girl girls gold green health heavy hero hotel house island king lady land legend
        level light live mother music nation national nature night normal number office order paper
        parents party period police president queen race radio record records river road rock room
        school season series sister song songs sound space star state station story street summer
        team television theme times tomorrow town trust truth water waters wind winner winter woman
        women yellow
        january february march april june july august september october november december
        monday tuesday wednesday thursday friday saturday sunday
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
}
