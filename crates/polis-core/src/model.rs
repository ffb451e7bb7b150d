//! The records polis keeps: places, ties and their lifecycle events, networks and
//! memberships, actors and their relations, activities, documents, sources, import batches
//! and reported figures. Their serde form is the bundle format (`docs/bundle-format.md`),
//! so every field here is documented there too.

use serde::{Deserialize, Serialize};

use crate::date::PartialDate;

fn is_false(value: &bool) -> bool {
    !*value
}

/// Declares a closed vocabulary with its snake_case names, so that parsing, printing and
/// the "accepted values" part of error messages come from one list.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name used in bundles, on the command line and in JSON.
            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The accepted names, comma-separated, for error messages.
            pub fn accepted() -> String {
                [$($text),+].join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::UnknownValue;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                match text {
                    $($text => Ok($name::$variant),)+
                    _ => Err(crate::UnknownValue {
                        what: stringify!($name),
                        value: text.to_owned(),
                        accepted: Self::accepted(),
                    }),
                }
            }
        }
    };
}

vocabulary! {
    /// The level of a governed territory. `metropolitan` is a metropolitan or
    /// inter-municipal government (a French métropole, an Italian metropolitan city, a
    /// British combined authority, "Greater X"): neither a city nor a region; its
    /// [`Place::seat`] is the core city.
    PlaceLevel {
        Country = "country",
        Region = "region",
        Metropolitan = "metropolitan",
        City = "city",
        District = "district",
    }
}

vocabulary! {
    /// What kind of agreement a tie is.
    TieKind {
        TwinTown = "twin_town",
        SisterCity = "sister_city",
        FriendshipCity = "friendship_city",
        Partnership = "partnership",
        Memorandum = "memorandum",
        NetworkPairing = "network_pairing",
    }
}

vocabulary! {
    /// A dated step in a tie's lifecycle.
    EventKind {
        Proposed = "proposed",
        Signed = "signed",
        Renewed = "renewed",
        Suspended = "suspended",
        Terminated = "terminated",
        Reinstated = "reinstated",
    }
}

vocabulary! {
    /// What a counter-claim contests in the fact it is attached to: `occurrence` (the event
    /// or relation did not take place at all), `kind` (a different lifecycle step took
    /// place, the claim's `kind`; events only), `date` (the event took place on another
    /// date, the claim's `date`; events only), `details` (its reason, role or
    /// circumstances; what the fact implies is not affected).
    Contested {
        Occurrence = "occurrence",
        Kind = "kind",
        Date = "date",
        Details = "details",
    }
}

vocabulary! {
    /// Whether an actor is a person or an organisation.
    ActorKind { Person = "person", Organisation = "organisation" }
}

vocabulary! {
    /// The kind of an organisation.
    OrganisationKind {
        GovernmentBody = "government_body",
        Party = "party",
        Company = "company",
        Association = "association",
        Office = "office",
        Club = "club",
        Institute = "institute",
        International = "international",
    }
}

vocabulary! {
    /// A typed relation from an actor to a place or to another actor.
    RelationKind {
        MayorOf = "mayor_of",
        HeadOf = "head_of",
        MemberOf = "member_of",
        AdviserTo = "adviser_to",
        Owns = "owns",
        Chairs = "chairs",
        Founded = "founded",
        Supervises = "supervises",
        ReportsTo = "reports_to",
        WorksFor = "works_for",
        StudiedIn = "studied_in",
        BranchOf = "branch_of",
        PartyOf = "party_of",
    }
}

vocabulary! {
    /// What an activity was.
    ActivityKind {
        DelegationVisit = "delegation_visit",
        Aid = "aid",
        Conference = "conference",
        BusinessProject = "business_project",
        CulturalExchange = "cultural_exchange",
        Advocacy = "advocacy",
        Programme = "programme",
        Speech = "speech",
        Period = "period",
    }
}

vocabulary! {
    /// How an activity or project ended up.
    Outcome {
        Achieved = "achieved",
        Ongoing = "ongoing",
        Stalled = "stalled",
        Cancelled = "cancelled",
        NoResult = "no_result",
    }
}

vocabulary! {
    /// What kind of text a document is.
    DocumentKind {
        Agreement = "agreement",
        Memorandum = "memorandum",
        Report = "report",
        PolicyPaper = "policy_paper",
        Speech = "speech",
        Book = "book",
        Article = "article",
        Dataset = "dataset",
        Presentation = "presentation",
    }
}

/// A name of a place or an actor in one language or script.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Name {
    pub text: String,
    /// BCP 47 language tag (`en`, `cs`, `zh`), where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

/// A population figure as one source gives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Population {
    pub value: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<u16>,
    pub source: String,
}

/// Coordinates as one source gives them (WGS 84 degrees).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Coordinates {
    pub lat: f64,
    pub lon: f64,
    pub source: String,
}

/// What one or more sources say about the country of a place that lies in a contested
/// territory (Crimea, the Golan Heights, Northern Cyprus, Taiwan, Kosovo, Western Sahara):
/// the country they put it in, which may be the one ISO 3166 files it under
/// ([`Place::country`]) or a country that claims it. polis takes no position: each source's
/// word is kept, with the source, beside ISO 3166's, and statistics count by the basis the
/// user asks for (`docs/cli.md`, `--country-basis`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CountryClaim {
    /// ISO 3166-1 alpha-2 code of the country the sources put the place in.
    pub country: String,
    /// The contested territory, in words ("Crimea").
    pub territory: String,
    pub sources: Vec<String>,
}

/// A governed territory: a country, region, city or district.
///
/// Values that sources can disagree on (population, coordinates, names) are lists with one
/// entry per source; see [`Place::shown_population`] for which one is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub id: String,
    pub level: PlaceLevel,
    /// The name shown by default, as the sources name it.
    pub name: String,
    /// ISO 3166-1 alpha-2 code of the country the place is in (its own code for a country),
    /// as ISO 3166 (and GeoNames) file it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// For a place in a contested territory: the country each source puts it in, one entry
    /// per country with the sources that say so, ISO 3166's own included where a source
    /// names it. Empty for every other place.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub country_claims: Vec<CountryClaim>,
    /// ISO 3166-1 alpha-2 (countries) or ISO 3166-2 (regions) code of the place itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iso_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The core city of a metropolitan government: where it sits, and where it is drawn
    /// when no source gives its own coordinates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seat: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wikidata: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geonames: Option<u64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<Name>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coordinates: Vec<Coordinates>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub population: Vec<Population>,
    /// Ids this place had before it was merged with another; they redirect here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub former_ids: Vec<String>,
    /// A place made by an importer from a name it could not resolve: the spelling, the
    /// country and the coordinates its source gives, nothing guessed. Its ties are kept; it
    /// waits in the unresolved queue until someone confirms what the name means, and is
    /// then merged into that place.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub provisional: bool,
    pub sources: Vec<String>,
}

impl Place {
    /// The population shown by default: the most recent year wins; among equal years, the
    /// first listed. Every other value stays in the record.
    pub fn shown_population(&self) -> Option<&Population> {
        self.population
            .iter()
            .enumerate()
            .max_by(|(ia, a), (ib, b)| a.year.cmp(&b.year).then(ib.cmp(ia)))
            .map(|(_, p)| p)
    }

    /// The coordinates shown by default: the first listed (curated records list the best
    /// first; importers append).
    pub fn shown_coordinates(&self) -> Option<&Coordinates> {
        self.coordinates.first()
    }

    /// Every name of the place, the display name first.
    pub fn all_names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.names.iter().map(|n| n.text.as_str()))
    }
}

/// Another source's account of a recorded fact (a tie's event, a relation) that
/// contradicts it: what that source says instead, and who says it. The fact stays as
/// recorded, the claim is kept beside it, and nothing is decided between them: a tie whose
/// status depends on a disputed event is `disputed` (see `status.rs`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CounterClaim {
    /// What the other source says instead, in a sentence.
    pub says: String,
    /// What the claim contests.
    pub contests: Contested,
    /// With `contests = "kind"`: the step that took place instead, according to the claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<EventKind>,
    /// With `contests = "date"`: the date the claim gives instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<PartialDate>,
    pub sources: Vec<String>,
}

impl CounterClaim {
    /// Does the claim change which steps happened when (and so, possibly, a tie's status)?
    pub fn affects_status(&self) -> bool {
        self.contests != Contested::Details
    }
}

/// A dated step in a tie's lifecycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TieEvent {
    pub kind: EventKind,
    /// Missing where no source dates the step; the data-quality report lists those.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<PartialDate>,
    /// The place whose side acted (for a termination, the side that ended the tie).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<String>,
    /// The actor that acted, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A document that records the step (an MoU, a council resolution).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    pub sources: Vec<String>,
    /// Other sources' accounts that contradict this step.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disputed_by: Vec<CounterClaim>,
}

impl TieEvent {
    /// Is the step itself (that it happened, what it was, when) contested by a source?
    pub fn is_disputed(&self) -> bool {
        self.disputed_by.iter().any(CounterClaim::affects_status)
    }
}

/// One source's statement that a tie exists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub source: String,
    /// The import batch it came from, for imported data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<String>,
    /// Whose list it was seen on (a place id), where the source is one side's list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed_by: Option<String>,
    /// The two names exactly as the source wrote them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub as_written: Vec<String>,
    /// The line of the imported file, for tracing a number back to its row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// When the source said the tie existed; it counts as an observation for as-of queries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed: Option<PartialDate>,
    /// For each end (a place id) whose coordinates the source gives: how far, in km to a
    /// tenth, the place it was resolved to lies from the source's point, so that a reader
    /// can judge the resolution.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub source_distance_km: std::collections::BTreeMap<String, f64>,
}

/// An agreement between two places, stored with its two ends in canonical order (`a < b`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Tie {
    pub id: String,
    pub a: String,
    pub b: String,
    pub kind: TieKind,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub themes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub motives: Vec<String>,
    /// The network that arranged the pairing, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<TieEvent>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    pub sources: Vec<String>,
}

impl Tie {
    /// The other end of the tie, seen from `place`.
    pub fn partner_of(&self, place: &str) -> Option<&str> {
        if self.a == place {
            Some(&self.b)
        } else if self.b == place {
            Some(&self.a)
        } else {
            None
        }
    }

    /// A tie is one-sided when every piece of evidence comes from the list of one side only.
    pub fn is_one_sided(&self) -> bool {
        let mut sides = self.evidence.iter().map(|e| e.listed_by.as_deref());
        match sides.next() {
            Some(Some(first)) => self.events.is_empty() && sides.all(|s| s == Some(first)),
            _ => false,
        }
    }

    /// The date of the first signing, if recorded.
    pub fn signed(&self) -> Option<PartialDate> {
        self.events
            .iter()
            .find(|e| e.kind == EventKind::Signed)
            .and_then(|e| e.date)
    }

    /// The date of the last termination, if recorded.
    pub fn terminated(&self) -> Option<PartialDate> {
        self.events
            .iter()
            .rev()
            .find(|e| e.kind == EventKind::Terminated)
            .and_then(|e| e.date)
    }
}

/// A multilateral city network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Network {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub founded: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub themes: Vec<String>,
    /// Other spellings of the network's tag in membership tables ("C40Cities2022").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub sources: Vec<String>,
}

/// A place's or an actor's membership of a network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Membership {
    pub network: String,
    /// A place id or an actor id.
    pub member: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<String>,
    pub sources: Vec<String>,
}

impl Membership {
    /// The key that identifies a membership in a store: network, member and start.
    pub fn key(&self) -> String {
        match &self.start {
            Some(start) => format!("{}|{}|{}", self.network, self.member, start),
            None => format!("{}|{}", self.network, self.member),
        }
    }
}

/// A person or an organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Actor {
    pub id: String,
    pub kind: ActorKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<OrganisationKind>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<Name>,
    /// ISO 3166-1 alpha-2 code of the actor's country, where it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Ids this actor had before another actor was merged into it; they redirect here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub former_ids: Vec<String>,
    pub sources: Vec<String>,
}

/// A dated, typed relation from an actor to a place or another actor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Relation {
    pub from: String,
    pub kind: RelationKind,
    /// An actor id or a place id.
    pub to: String,
    /// The title held, where the relation is an office ("Mayor of Prague", "Chairman").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<PartialDate>,
    pub sources: Vec<String>,
    /// Set when no source states the relation for these two records, and it is inferred by
    /// applying a general statement to them: says from what ("the deck's generic chart").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inferred_from: Option<String>,
    /// Other sources' accounts that contradict the relation (its occurrence or details).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disputed_by: Vec<CounterClaim>,
}

impl Relation {
    /// The key that identifies a relation in a store.
    pub fn key(&self) -> String {
        let start = self.start.map(|d| d.to_string()).unwrap_or_default();
        format!("{}|{}|{}|{}", self.from, self.kind, self.to, start)
    }
}

/// A quantity of an item with its unit ("151.5 billion masks" is 151.5e9 of item "masks",
/// unit "piece").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Quantity {
    pub item: String,
    pub value: f64,
    pub unit: String,
    /// The date the figure was reported up to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<PartialDate>,
}

/// A dated action with participants: a visit, aid, a conference, a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Activity {
    pub id: String,
    pub kind: ActivityKind,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actors: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ties: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub networks: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quantities: Vec<Quantity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub themes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub motives: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub sources: Vec<String>,
}

/// One article of a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Article {
    /// The article's number or label as the text gives it ("1", "5.2", "preamble").
    pub number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    pub text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Who proposed the article, where a source says (an actor or place id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initiated_by: Option<String>,
}

/// The text of an agreement, an MoU, a report or a speech, split into articles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub id: String,
    pub kind: DocumentKind,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<PartialDate>,
    /// Places or actors that are parties to (or authors of) the document.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub articles: Vec<Article>,
    pub sources: Vec<String>,
}

/// A citation. Every other record points at one or more of these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accessed: Option<PartialDate>,
    /// True for sources outside the seed deck that the reference data was built from.
    #[serde(default, skip_serializing_if = "is_false")]
    pub outside_deck: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One run of an importer over one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Batch {
    pub id: String,
    /// The importer's format name (`wikipedia-list`, `wikidata-tsv`, ...).
    pub format: String,
    /// The file's name as given (not a full path, which would differ between machines).
    pub file: String,
    /// SHA-256 of the file's bytes, so a repeated import is recognised.
    pub sha256: String,
    pub source: String,
    pub rows: u64,
}

/// A statistic someone published, kept beside what polis computes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReportedFigure {
    pub id: String,
    /// What is counted: `ties`, `partner_countries`, `partner_regions`, `partner_cities`,
    /// `local_regions`, `local_cities`.
    pub metric: String,
    pub value: f64,
    /// ISO code of the country whose ties are counted.
    pub country: String,
    /// Partner countries limited to a continent (`Europe`), if the figure is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_continent: Option<String>,
    pub as_of: PartialDate,
    /// The actor that published the figure (CPAFFC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub sources: Vec<String>,
}

/// Everything polis knows, as plain records. A bundle reads into one; a store loads one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dataset {
    pub sources: Vec<Source>,
    pub batches: Vec<Batch>,
    pub places: Vec<Place>,
    pub ties: Vec<Tie>,
    pub networks: Vec<Network>,
    pub memberships: Vec<Membership>,
    pub actors: Vec<Actor>,
    pub relations: Vec<Relation>,
    pub activities: Vec<Activity>,
    pub documents: Vec<Document>,
    pub figures: Vec<ReportedFigure>,
}

impl Dataset {
    /// Sorts every list by its key, the order bundles are written in.
    pub fn sort(&mut self) {
        self.sources.sort_by(|x, y| x.id.cmp(&y.id));
        self.batches.sort_by(|x, y| x.id.cmp(&y.id));
        self.places.sort_by(|x, y| x.id.cmp(&y.id));
        self.ties.sort_by(|x, y| x.id.cmp(&y.id));
        self.networks.sort_by(|x, y| x.id.cmp(&y.id));
        self.memberships.sort_by_key(Membership::key);
        self.actors.sort_by(|x, y| x.id.cmp(&y.id));
        self.relations.sort_by_key(Relation::key);
        self.activities.sort_by(|x, y| x.id.cmp(&y.id));
        self.documents.sort_by(|x, y| x.id.cmp(&y.id));
        self.figures.sort_by(|x, y| x.id.cmp(&y.id));
    }

    /// The number of records of every kind together.
    pub fn len(&self) -> usize {
        self.sources.len()
            + self.batches.len()
            + self.places.len()
            + self.ties.len()
            + self.networks.len()
            + self.memberships.len()
            + self.actors.len()
            + self.relations.len()
            + self.activities.len()
            + self.documents.len()
            + self.figures.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The records of `incoming` laid over `existing`: a record of `incoming` replaces the one of
/// `existing` with the same id or key. The records of `incoming` come first in every list,
/// in their own order, so that a violation's index below `incoming`'s length points back
/// into `incoming`.
pub fn overlay(incoming: &Dataset, existing: Dataset) -> Dataset {
    fn merge<T: Clone>(new: &[T], old: Vec<T>, key: impl Fn(&T) -> String) -> Vec<T> {
        let replaced: std::collections::HashSet<String> = new.iter().map(&key).collect();
        let mut out = new.to_vec();
        out.extend(old.into_iter().filter(|r| !replaced.contains(&key(r))));
        out
    }
    Dataset {
        sources: merge(&incoming.sources, existing.sources, |r| r.id.clone()),
        batches: merge(&incoming.batches, existing.batches, |r| r.id.clone()),
        places: merge(&incoming.places, existing.places, |r| r.id.clone()),
        ties: merge(&incoming.ties, existing.ties, |r| r.id.clone()),
        networks: merge(&incoming.networks, existing.networks, |r| r.id.clone()),
        memberships: merge(&incoming.memberships, existing.memberships, Membership::key),
        actors: merge(&incoming.actors, existing.actors, |r| r.id.clone()),
        relations: merge(&incoming.relations, existing.relations, Relation::key),
        activities: merge(&incoming.activities, existing.activities, |r| r.id.clone()),
        documents: merge(&incoming.documents, existing.documents, |r| r.id.clone()),
        figures: merge(&incoming.figures, existing.figures, |r| r.id.clone()),
    }
}
