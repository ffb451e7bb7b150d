//! The quality report of the records, computed once, with the unresolved queue laid over it,
//! is the report computed with the queue.

use std::path::Path;

use polis_analysis::quality;

#[test]
fn the_queue_laid_over_the_records_report_is_the_report_with_the_queue() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/reference");
    let data = polis_bundle::read(&root)
        .expect("the reference bundle reads")
        .data;
    let of_records = quality(&data, &[]);
    let queue: Vec<String> = (0..30)
        .map(|i| format!("Name {i} (CN) at batch:{i}"))
        .collect();
    for unresolved in [&queue[..0], &queue[..1], &queue[..]] {
        let laid = of_records.with_unresolved(unresolved);
        let full = quality(&data, unresolved);
        assert_eq!(
            serde_json::to_value(&laid).unwrap(),
            serde_json::to_value(&full).unwrap()
        );
        let check = laid
            .checks
            .iter()
            .find(|c| c.check == "unresolved_name")
            .expect("the check is listed");
        assert_eq!(check.count, unresolved.len() as u64);
    }
    assert_eq!(
        quality(&data, &queue).n_warnings,
        of_records.n_warnings + queue.len() as u64
    );
}
