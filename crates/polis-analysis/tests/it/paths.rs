//! "Who connects X to Y" with time: a chain counts only when all its dated links were
//! certainly in force at one time. Checked on small hand-made cases (a handover in one
//! office, an undated link, a window) and against a brute-force enumeration of every simple
//! chain on random dated graphs.

use polis_analysis::{Chain, TimeRule, connect};
use polis_core::{Actor, ActorKind, Dataset, PartialDate, Relation, RelationKind};

fn date(text: &str) -> PartialDate {
    text.parse().expect("a date")
}

fn actor(id: &str) -> Actor {
    Actor {
        id: id.to_owned(),
        kind: ActorKind::Person,
        organisation: None,
        name: id.to_owned(),
        names: Vec::new(),
        country: None,
        note: None,
        former_ids: Vec::new(),
        sources: vec!["test".to_owned()],
    }
}

fn relation(from: &str, to: &str, start: Option<&str>, end: Option<&str>) -> Relation {
    Relation {
        from: from.to_owned(),
        kind: RelationKind::HeadOf,
        to: to.to_owned(),
        role: None,
        start: start.map(date),
        end: end.map(date),
        sources: vec!["test".to_owned()],
        inferred_from: None,
        disputed_by: Vec::new(),
    }
}

fn dataset(ids: &[&str], relations: Vec<Relation>) -> Dataset {
    Dataset {
        actors: ids.iter().map(|id| actor(id)).collect(),
        relations,
        ..Dataset::default()
    }
}

fn ids(chain: &Chain) -> Vec<&str> {
    chain.nodes.iter().map(|n| n.id.as_str()).collect()
}

/// Two prime ministers who followed each other in one office (the one ending in 2017-12,
/// the other starting in 2017-12) were never certainly in office together.
fn handover() -> Dataset {
    dataset(
        &["sobotka", "government", "babis", "mayor", "fixer"],
        vec![
            relation("sobotka", "government", Some("2014-01"), Some("2017-12")),
            relation("babis", "government", Some("2017-12"), Some("2021-12")),
        ],
    )
}

#[test]
fn issue_10_a_handover_in_one_office_is_no_connection() {
    let data = handover();
    let together = connect(&data, "sobotka", "babis", None, TimeRule::Together, 3).expect("known");
    assert!(together.is_empty(), "{together:#?}");
    let ignoring = connect(&data, "sobotka", "babis", None, TimeRule::Ignore, 3).expect("known");
    assert_eq!(ignoring.len(), 1);
    assert_eq!(ids(&ignoring[0]), ["sobotka", "government", "babis"]);
    assert_eq!(ignoring[0].held, None, "no window when time is ignored");
}

#[test]
fn issue_10_a_longer_chain_that_held_together_wins_and_gives_its_window() {
    let mut data = handover();
    data.relations.extend([
        relation("sobotka", "mayor", Some("2016"), Some("2016")),
        relation("mayor", "fixer", Some("2015"), Some("2019")),
        relation("fixer", "babis", None, None),
    ]);
    let chains = connect(&data, "sobotka", "babis", None, TimeRule::Together, 3).expect("known");
    assert_eq!(chains.len(), 1, "{chains:#?}");
    assert_eq!(ids(&chains[0]), ["sobotka", "mayor", "fixer", "babis"]);
    let held = chains[0].held.as_ref().expect("a window");
    assert_eq!(held.from, Some(date("2016")));
    assert_eq!(held.until, Some(date("2016")));
    assert_eq!(held.undated_links, 1);
    assert!(chains[0].links[2].undated, "the undated link is marked");
    assert!(!chains[0].links[0].undated);

    // A window after the chain ended finds nothing; one that covers 2016 finds it.
    let later = TimeRule::Within {
        from: date("2020"),
        until: date("2021"),
    };
    let none = connect(&data, "sobotka", "babis", None, later, 3).expect("known");
    assert!(none.is_empty(), "{none:#?}");
    let covering = TimeRule::Within {
        from: date("2016"),
        until: date("2030"),
    };
    let found = connect(&data, "sobotka", "babis", None, covering, 3).expect("known");
    assert_eq!(found.len(), 1);
}

/// A small deterministic generator, so that the random graphs are the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }

    fn date(&mut self) -> Option<String> {
        let year = 2010 + self.next(8);
        match self.next(4) {
            0 => None,
            1 => Some(format!("{year}")),
            2 => Some(format!("{year}-{:02}", 1 + self.next(12))),
            _ => Some(format!(
                "{year}-{:02}-{:02}",
                1 + self.next(12),
                1 + self.next(28)
            )),
        }
    }
}

/// Were all these links certainly in force at one time within `window`? Checked pair by
/// pair, as the definition says: every start certainly on or before every other end.
fn held_together(links: &[&Relation], window: Option<(PartialDate, PartialDate)>) -> bool {
    type Day = (i32, u8, u8);
    let mut spans: Vec<(Option<Day>, Option<Day>)> = links
        .iter()
        .map(|r| (r.start.map(|d| d.last_day()), r.end.map(|d| d.first_day())))
        .collect();
    if let Some((from, until)) = window {
        spans.push((Some(from.first_day()), Some(until.last_day())));
    }
    for (i, (start, _)) in spans.iter().enumerate() {
        for (j, (_, end)) in spans.iter().enumerate() {
            if i != j
                && let (Some(s), Some(e)) = (start, end)
                && s > e
            {
                return false;
            }
        }
    }
    true
}

/// The length of the shortest simple chain from `from` to `to` that held together, by
/// trying every simple chain.
fn brute_force_shortest(
    data: &Dataset,
    from: &str,
    to: &str,
    window: Option<(PartialDate, PartialDate)>,
) -> Option<usize> {
    fn walk<'a>(
        data: &'a Dataset,
        at: &str,
        to: &str,
        visited: &mut Vec<String>,
        used: &mut Vec<&'a Relation>,
        window: Option<(PartialDate, PartialDate)>,
        best: &mut Option<usize>,
    ) {
        if at == to {
            if held_together(used, window) {
                *best = Some(best.map_or(used.len(), |b| b.min(used.len())));
            }
            return;
        }
        for r in &data.relations {
            let next = if r.from == at {
                &r.to
            } else if r.to == at {
                &r.from
            } else {
                continue;
            };
            if visited.contains(next) {
                continue;
            }
            used.push(r);
            visited.push(next.clone());
            walk(data, next, to, visited, used, window, best);
            visited.pop();
            used.pop();
        }
    }
    let mut best = None;
    walk(
        data,
        from,
        to,
        &mut vec![from.to_owned()],
        &mut Vec::new(),
        window,
        &mut best,
    );
    best
}

#[test]
fn issue_10_time_aware_chains_are_the_shortest_that_held_together_on_random_graphs() {
    let names = ["a", "b", "c", "d", "e", "f", "g"];
    let mut random = Lcg(20_261_202);
    let mut compared = 0;
    for round in 0..300 {
        let n_relations = 6 + random.next(9) as usize;
        let relations = (0..n_relations)
            .map(|_| {
                let from = names[random.next(names.len() as u64) as usize];
                let mut to = names[random.next(names.len() as u64) as usize];
                if to == from {
                    to = names[(names.iter().position(|n| *n == from).unwrap_or(0) + 1) % 7];
                }
                let (mut start, mut end) = (random.date(), random.date());
                if let (Some(s), Some(e)) = (&start, &end)
                    && date(s).first_day() > date(e).last_day()
                {
                    std::mem::swap(&mut start, &mut end);
                }
                relation(from, to, start.as_deref(), end.as_deref())
            })
            .collect();
        let data = dataset(&names, relations);
        let window = (round % 3 == 0).then(|| (date("2013"), date("2014-06")));
        let rule = match window {
            Some((from, until)) => TimeRule::Within { from, until },
            None => TimeRule::Together,
        };
        for from in names {
            for to in names {
                if from == to {
                    continue;
                }
                let expected = brute_force_shortest(&data, from, to, window);
                let chains = connect(&data, from, to, None, rule, 3).expect("known ids");
                let found = chains.first().map(|c| c.links.len());
                assert_eq!(
                    found, expected,
                    "round {round}, {from} to {to}: {chains:#?}\n{:#?}",
                    data.relations
                );
                for chain in &chains {
                    assert_eq!(chain.links.len(), found.unwrap_or(0), "all of one length");
                    let used: Vec<&Relation> = chain
                        .links
                        .iter()
                        .map(|l| {
                            data.relations
                                .iter()
                                .find(|r| {
                                    r.from == l.from
                                        && r.to == l.to
                                        && r.start == l.start
                                        && r.end == l.end
                                })
                                .expect("a link is a relation")
                        })
                        .collect();
                    assert!(held_together(&used, window), "{chain:#?}");
                    assert_eq!(ids(chain).first(), Some(&from));
                    assert_eq!(ids(chain).last(), Some(&to));
                }
                compared += 1;
            }
        }
    }
    assert_eq!(compared, 300 * 42);
}

fn neighbours(data: &Dataset, when: &polis_analysis::LinkTime) -> Vec<String> {
    let mut ids: Vec<String> = polis_analysis::neighbourhood(data, "government", 1, when, 100)
        .expect("found")
        .nodes
        .into_iter()
        .skip(1)
        .map(|n| n.id)
        .collect();
    ids.sort();
    ids
}

/// The explorer's neighbourhood keeps the links in force on a date, or at some time within
/// a window: one who left before it or came after it is not around the office.
#[test]
fn issue_10_the_neighbourhood_keeps_the_links_in_force_on_a_date_or_within_a_window() {
    use polis_analysis::LinkTime;
    let data = handover();
    assert_eq!(neighbours(&data, &LinkTime::Any), ["babis", "sobotka"]);
    assert_eq!(neighbours(&data, &LinkTime::On(date("2016"))), ["sobotka"]);
    assert_eq!(neighbours(&data, &LinkTime::On(date("2019-05"))), ["babis"]);
    let window = |from: &str, until: &str| LinkTime::During {
        from: date(from),
        until: date(until),
    };
    assert_eq!(neighbours(&data, &window("2015", "2016")), ["sobotka"]);
    assert_eq!(
        neighbours(&data, &window("2016", "2019")),
        ["babis", "sobotka"]
    );
    assert_eq!(
        neighbours(&data, &window("2022", "2023")),
        Vec::<String>::new()
    );
    assert_eq!(
        neighbours(&data, &window("2010", "2013")),
        Vec::<String>::new()
    );
}
