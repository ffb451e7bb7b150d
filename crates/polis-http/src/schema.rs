//! Schemas for the OpenAPI document: closed vocabularies described from the core's own
//! lists (so the document cannot drift from what the parameters accept), and the shapes of
//! the response bodies, which a test checks against real responses.
// The body types are never built: they describe the JSON that the handlers write.
#![expect(dead_code, reason = "schema-only types: described, never constructed")]

use serde_json::Value;
use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{Object, ObjectBuilder, Schema, SchemaFormat, Type};

/// Declares a schema-only type whose schema is built by a function, so that closed
/// vocabularies come from the core's own lists.
macro_rules! schema_from_fn {
    ($(#[$meta:meta])* $name:ident => $build:expr) => {
        $(#[$meta])*
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                let object: Object = $build;
                RefOr::T(Schema::Object(object))
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

schema_from_fn! {
    /// A partial date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    PartialDate => ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::Custom("partial-date".to_owned())))
        .pattern(Some("^[0-9]{1,4}(-[0-9]{2}(-[0-9]{2})?)?$"))
        .description(Some(
            "A date known to a year, a month or a day: YYYY, YYYY-MM or YYYY-MM-DD",
        ))
        .examples(["2019-06-30"])
        .build()
}

schema_from_fn! {
    /// An ISO 3166-1 alpha-2 country code.
    CountryCode => ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some("^[A-Za-z]{2}$"))
        .description(Some("An ISO 3166-1 alpha-2 country code, any case"))
        .examples(["CZ"])
        .build()
}

schema_from_fn! {
    /// One of the core's tie kinds.
    TieKind => ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(polis_core::TieKind::ALL.iter().map(|k| k.as_str())))
        .build()
}

schema_from_fn! {
    /// One of the core's tie statuses.
    TieStatus => ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(polis_core::TieStatus::ALL.iter().map(|s| s.as_str())))
        .build()
}

schema_from_fn! {
    /// What a path may follow.
    Through => ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(polis_app::Through::NAMES))
        .build()
}

schema_from_fn! {
    /// What orders the places of the network metrics.
    MetricSort => ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(polis_app::MetricSort::NAMES))
        .build()
}

schema_from_fn! {
    /// One of the core's activity kinds.
    ActivityKind => ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(polis_core::ActivityKind::ALL.iter().map(|k| k.as_str())))
        .build()
}

/// The server is up.
#[derive(ToSchema)]
pub struct Health {
    /// Always `ok`.
    status: String,
    /// Records in the snapshot the server answers from.
    n_records: u64,
}

/// A tie's status on a date.
#[derive(ToSchema)]
pub struct StatusAsOf {
    #[schema(inline)]
    status: TieStatus,
    /// When `status` is `unknown`: the statuses the recorded dates allow.
    #[schema(inline)]
    possible: Option<Vec<TieStatus>>,
}

/// One tie as listed, with its status on the date.
#[derive(ToSchema)]
pub struct TieRow {
    id: String,
    #[schema(inline)]
    kind: TieKind,
    a: String,
    a_name: String,
    /// ISO code, `??` where unknown.
    a_country: String,
    b: String,
    b_name: String,
    b_country: String,
    /// The first signing, when recorded.
    #[schema(value_type = Option<PartialDate>, inline)]
    signed: Option<String>,
    /// The last termination, when recorded.
    #[schema(value_type = Option<PartialDate>, inline)]
    terminated: Option<String>,
    status: StatusAsOf,
    /// True when every source lists the tie on one side's list only.
    one_sided: bool,
    /// Distinct sources behind the tie, its events and evidence.
    n_sources: u64,
}

/// A place with its ties and memberships.
#[derive(ToSchema)]
pub struct PlaceResponse {
    /// The place record, as in the bundle format (docs/bundle-format.md).
    place: Value,
    /// Ids of other places the same name matched.
    also_matched: Vec<String>,
    ties: Vec<TieRow>,
    /// Membership records, as in the bundle format.
    memberships: Vec<Value>,
}

/// One page of ties.
#[derive(ToSchema)]
pub struct TiesPage {
    /// The date asked for, when one was given.
    #[schema(value_type = Option<PartialDate>, inline)]
    as_of: Option<String>,
    /// Ties that pass the filters, on every page.
    total: u64,
    limit: u64,
    offset: u64,
    items: Vec<TieRow>,
}

/// An active tie with no recorded activity for a while.
#[derive(ToSchema)]
pub struct DormantTie {
    id: String,
    a_name: String,
    b_name: String,
    /// The last recorded activity or lifecycle step; null when nothing dated is recorded.
    #[schema(value_type = Option<PartialDate>, inline, nullable)]
    last_sign_of_life: Option<String>,
    /// What that was: an activity id, or the lifecycle step.
    last_what: Option<String>,
}

/// Dormant ties.
#[derive(ToSchema)]
pub struct DormantResponse {
    years: u16,
    #[schema(value_type = PartialDate, inline)]
    as_of: String,
    ties: Vec<DormantTie>,
}

/// A record a chain passes through.
#[derive(ToSchema)]
pub struct Node {
    /// `actor`, `place`, `network` or `activity`.
    kind: String,
    id: String,
    name: String,
}

/// One link of a chain, read from `from` to `to`.
#[derive(ToSchema)]
pub struct Link {
    from: String,
    to: String,
    /// A relation kind (`adviser_to`), `tie:sister_city`, `member_of_network`,
    /// `took_part_in`.
    label: String,
    /// The title held, for relations that are offices.
    role: Option<String>,
    #[schema(value_type = Option<PartialDate>, inline)]
    start: Option<String>,
    #[schema(value_type = Option<PartialDate>, inline)]
    end: Option<String>,
    /// True when the link was recorded in the opposite direction.
    reversed: bool,
    sources: Vec<String>,
}

/// A chain from the start to the end.
#[derive(ToSchema)]
pub struct Chain {
    nodes: Vec<Node>,
    links: Vec<Link>,
}

/// The shortest chains between two records.
#[derive(ToSchema)]
pub struct PathResponse {
    from: String,
    to: String,
    /// What was followed: `ties`, `relations` or `all`.
    through: String,
    chains: Vec<Chain>,
}

/// The metrics of one place in the tie network.
#[derive(ToSchema)]
pub struct PlaceMetrics {
    id: String,
    name: String,
    /// ISO code, `??` where unknown.
    country: String,
    /// Distinct partners.
    degree: u64,
    /// Ties, counting two ties with the same partner twice.
    weighted_degree: f64,
    /// Normalised like networkx's `betweenness_centrality`.
    betweenness: f64,
    /// The standard error of a sampled estimate; absent when exact.
    betweenness_standard_error: Option<f64>,
    /// networkx's PageRank; over every place of the network it sums to 1.
    pagerank: f64,
    /// The k-core number.
    core: u32,
    /// The Louvain community.
    community: u32,
    /// Places in the connected component the place is in.
    component_size: u64,
}

/// One Louvain community.
#[derive(ToSchema)]
pub struct CommunityMetrics {
    community: u32,
    size: u64,
    density: f64,
    n_internal_ties: u64,
    n_boundary_ties: u64,
    /// The most common countries, each as a pair `[country, places]`.
    #[schema(value_type = Vec<Vec<Value>>, example = json!([["CN", 5], ["NL", 2]]))]
    main_countries: Vec<(String, u64)>,
}

/// Metrics of the tie network on a date (ties active or suspended then).
#[derive(ToSchema)]
pub struct GraphMetrics {
    /// The date asked for, when one was given.
    #[schema(value_type = Option<PartialDate>, inline)]
    as_of: Option<String>,
    /// Places with a tie in force.
    n_places: u64,
    /// Partner pairs with a tie in force.
    n_ties: u64,
    /// Ties left out because their status on the date is unknown.
    n_ties_unknown_status: u64,
    n_components: u64,
    largest_component: u64,
    max_core: u32,
    /// `exact`, or `sampled (K sources, seed S)`.
    betweenness_method: String,
    louvain_seed: u64,
    modularity: f64,
    n_communities: u64,
    /// The 10 largest communities.
    communities: Vec<CommunityMetrics>,
    /// The places (of `country`, when given), best first by `sort`, at most `top`.
    places: Vec<PlaceMetrics>,
}

/// A candidate partner, with the reasons behind it.
#[derive(ToSchema)]
pub struct Recommendation {
    id: String,
    name: String,
    country: String,
    /// From 0 to 1: the weighted sum of the features (docs/cli.md).
    score: f64,
    /// Plain-language reasons, strongest first, then the distance.
    reasons: Vec<String>,
    /// Names of the partners the two places share.
    shared_partners: Vec<String>,
    /// Names of the networks both are members of.
    shared_networks: Vec<String>,
    /// Themes both places' ties or networks carry (folded).
    shared_themes: Vec<String>,
    /// Absent when either place lacks coordinates.
    distance_km: Option<f64>,
    /// The candidate's population over the place's; absent when either is unknown.
    population_ratio: Option<f64>,
    /// Ties in force between the two countries.
    country_pair_ties: u64,
}

/// Candidate partners for a place.
#[derive(ToSchema)]
pub struct Recommendations {
    /// The place's id.
    place: String,
    name: String,
    /// The theme asked for, when one was given.
    theme: Option<String>,
    /// The place's partners in force.
    n_partners: u64,
    /// Candidates scored before the best `top` were kept.
    n_candidates_scored: u64,
    candidates: Vec<Recommendation>,
}

/// One method's figures on the held-out ties.
#[derive(ToSchema)]
pub struct MethodEvaluation {
    /// `blended (partner finder)`, `shared partners (resource allocation)` or
    /// `popularity baseline (preferential attachment)`.
    method: String,
    /// The probability that a held-out tie outscores a random non-tie (0.5 is chance).
    auc: f64,
    /// The share of held-out ties among the 10 best-scoring pairs.
    precision_at_10: f64,
    /// The share of held-out ties among as many best-scoring pairs as there are held-out
    /// ties.
    r_precision: f64,
    /// For sampled held-out ties (u, v): how often v is among u's 10 best candidates.
    hit_rate_at_10: f64,
}

/// The partner finder's evaluation on held-out real ties.
#[derive(ToSchema)]
pub struct Evaluation {
    seed: u64,
    held_out_fraction: f64,
    n_held_out: u64,
    /// Random pairs without a tie, as many as the held-out ties.
    n_non_ties: u64,
    /// Held-out ties the hit rate is measured on (at most 300).
    n_hit_rate_sample: u64,
    methods: Vec<MethodEvaluation>,
}

/// The total of one item in one unit.
#[derive(ToSchema)]
pub struct QuantityTotal {
    item: String,
    unit: String,
    total: f64,
    /// The latest date the summed figures were reported up to.
    #[schema(value_type = Option<PartialDate>, inline)]
    as_of: Option<String>,
    /// The activities the figures come from.
    activities: Vec<String>,
    sources: Vec<String>,
}

/// A tie an article's agreement belongs to, and how it ended, if it did.
#[derive(ToSchema)]
pub struct ClauseTie {
    id: String,
    #[schema(value_type = Option<PartialDate>, inline)]
    terminated: Option<String>,
    /// The side that ended it.
    terminated_by: Option<String>,
    termination_reason: Option<String>,
    /// True when the termination cites this agreement or names the clause in its
    /// reason.
    ended_over_clause: bool,
}

/// One agreement article that matched.
#[derive(ToSchema)]
pub struct ClauseHit {
    /// The document's id.
    document: String,
    document_title: String,
    #[schema(value_type = Option<PartialDate>, inline)]
    date: Option<String>,
    /// The parties' ids.
    parties: Vec<String>,
    /// The article's number.
    article: String,
    heading: Option<String>,
    text: String,
    tags: Vec<String>,
    /// The party that asked for the article, when recorded.
    initiated_by: Option<String>,
    ties: Vec<ClauseTie>,
}

/// A reported figure beside the value polis computes.
#[derive(ToSchema)]
pub struct FigureComparison {
    id: String,
    metric: String,
    country: String,
    partner_continent: Option<String>,
    #[schema(value_type = PartialDate, inline)]
    as_of: String,
    reporter: Option<String>,
    reported: f64,
    /// Null when polis cannot compute this metric or scope.
    #[schema(nullable)]
    computed: Option<f64>,
    /// computed / reported, as a percentage.
    #[schema(nullable)]
    coverage_percent: Option<f64>,
    /// The same count including ties whose dates leave their status unknown on the
    /// date (an undated tie from a list): the most the registry could hold.
    #[schema(nullable)]
    computed_upper: Option<f64>,
    /// computed_upper / reported, as a percentage.
    #[schema(nullable)]
    coverage_upper_percent: Option<f64>,
    sources: Vec<String>,
}

/// One hit of a full-text search.
#[derive(ToSchema)]
pub struct SearchHit {
    /// `place`, `actor`, `network` or `document`.
    kind: String,
    id: String,
    label: String,
}

/// One ranked gazetteer candidate for a name.
#[derive(ToSchema)]
pub struct Candidate {
    name: String,
    /// ISO 3166-1 alpha-2 code.
    country: String,
    #[schema(nullable)]
    admin1: Option<String>,
    #[schema(nullable)]
    admin2: Option<String>,
    /// ISO 3166-2 code of the first-level unit the place is in, or of the unit itself.
    #[schema(nullable)]
    subdivision: Option<String>,
    /// `city`, `municipality`, `county`, `region` or `country`.
    level: String,
    #[schema(nullable)]
    lat: Option<f64>,
    #[schema(nullable)]
    lon: Option<f64>,
    #[schema(nullable)]
    population: Option<u64>,
    /// GeoNames id.
    #[schema(nullable)]
    geonames: Option<u32>,
    /// From 0 to 1.
    confidence: f32,
    /// Whether an import would take it (confidence 0.5 or more).
    confident: bool,
    /// Why it matched and how it was ranked.
    explanation: String,
}

/// A name waiting in the unresolved queue.
#[derive(ToSchema)]
pub struct UnresolvedName {
    /// The folded name and country field: what a decision is remembered under.
    key: String,
    name: String,
    #[schema(nullable)]
    country: Option<String>,
    /// The import batch that last saw it.
    batch: String,
    /// The first line of that batch's file that names it.
    line: i64,
    /// How many times that file names it: what resolving it would unlock.
    occurrences: i64,
    /// The best candidate below the confidence threshold, in words.
    #[schema(nullable)]
    best_guess: Option<String>,
}

/// One entry of the audit log.
#[derive(ToSchema)]
pub struct AuditEntry {
    seq: i64,
    /// When (UTC).
    at: String,
    who: String,
    context: String,
    record_kind: String,
    record_id: String,
    /// The record before the change; null for a created record.
    before: Option<Value>,
    /// The record after the change.
    after: Option<Value>,
}
