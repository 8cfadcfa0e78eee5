//! `avrokit compat --accept-file` and `--write-baseline` on a throwaway git repository: a
//! deliberate break accepted with its reason passes and is reported as accepted, a new
//! break beside it still fails, an entry that no longer matches is reported as stale
//! (failing only with `--strict`), and a bad accept file is a located error.

mod scratch_repo;

use scratch_repo::{ID, NAME, NAME_INT, Repo, SIZE, catalog, thing};

/// `avrokit compat --against main ARGS` in the repository.
fn compat(repo: &Repo, args: &[&str]) -> (i32, String, String) {
    repo.compat(&[&["--against", "main"], args].concat())
}

#[test]
fn an_accepted_break_passes_with_its_reason_and_a_new_one_still_fails() {
    let repo = Repo::new("accept");
    repo.write("catalog.toml", &catalog("BACKWARD"));
    repo.write("t/thing.avsc", &thing(&[ID, NAME]));
    repo.commit("v1");
    let accept_file = repo.dir.join("avro-schemas/compat-accept.toml");

    // The break, not accepted yet.
    repo.write("t/thing.avsc", &thing(&[ID, NAME_INT]));
    let (code, out, err) = compat(&repo, &[]);
    assert_eq!(code, 1, "{out}{err}");

    // A baseline needs a reason for a new entry, and writes nothing without one.
    let (code, out, err) = compat(&repo, &["--write-baseline"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("say why with --reason"), "{err}");
    assert!(!accept_file.exists());

    let (code, out, err) = compat(&repo, &["--write-baseline", "--reason", "names became ids in v2"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("1 entry (0 kept, 1 added, 0 removed)"), "{out}");
    let written = std::fs::read_to_string(&accept_file).unwrap();
    assert!(
        written.contains(
            "[[accept]]\nsubject = \"things-value\"\nrule = \"TYPE_MISMATCH\"\npointer = \"/fields/1/type\"\nreason = \"names became ids in v2\"\n"
        ),
        "{written}"
    );

    // The conventional file is read without a flag: the break is accepted, with its reason.
    let (code, out, err) = compat(&repo, &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(
            "avro-schemas/t/thing.avsc:7:5: TYPE_MISMATCH: reader type: INT not compatible with writer type: STRING \
             at /fields/1/type (new schema reading old data), ACCEPTED: names became ids in v2"
        ),
        "{out}"
    );
    assert!(
        out.contains("compatible (BACKWARD): 0 incompatibilities, 0 warnings, 1 accepted"),
        "{out}"
    );
    let (code, out, _) = compat(&repo, &["--format", "json"]);
    assert_eq!(code, 0, "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["compatible"], true);
    assert_eq!(json["accepted"][0]["reason"], "names became ids in v2");
    assert_eq!(json["accepted"][0]["location"], "/fields/1/type");

    // Another break beside the accepted one still fails, and only it is a failure.
    repo.write("t/thing.avsc", &thing(&[ID, NAME_INT, SIZE]));
    let (code, out, err) = compat(&repo, &[]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("READER_FIELD_MISSING_DEFAULT_VALUE"), "{out}");
    assert!(out.contains("ACCEPTED: names became ids in v2"), "{out}");
    assert!(out.contains("1 incompatibility, 0 warnings, 1 accepted"), "{out}");

    // The break undone: the entry is stale, reported, failing only with --strict.
    repo.write("t/thing.avsc", &thing(&[ID, NAME]));
    let (code, out, err) = compat(&repo, &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(
            "avro-schemas/compat-accept.toml:5: STALE_ACCEPTANCE: things-value TYPE_MISMATCH at /fields/1/type \
             matches no finding any more"
        ),
        "{out}"
    );
    let (code, out, _) = compat(&repo, &["--strict"]);
    assert_eq!(code, 1, "{out}");
    let (code, out, _) = compat(&repo, &["--format", "github"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("::warning file=avro-schemas/compat-accept.toml,line=5,col=1,title=STALE_ACCEPTANCE::"),
        "{out}"
    );
    // Rewriting the baseline drops it.
    let (code, out, err) = compat(&repo, &["--write-baseline"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("0 entries (0 kept, 0 added, 1 removed)"), "{out}");
    assert!(!std::fs::read_to_string(&accept_file).unwrap().contains("[[accept]]"));
}

#[test]
fn a_bad_accept_file_is_a_located_error() {
    let repo = Repo::new("accept-bad");
    repo.write("catalog.toml", &catalog("BACKWARD"));
    repo.write("t/thing.avsc", &thing(&[ID, NAME]));
    repo.commit("v1");
    let file = repo.dir.join("accept.toml");
    std::fs::write(
        &file,
        "[[accept]]\nsubject = \"things-value\"\nrule = \"TYPE_MISMACH\"\npointer = \"fields/1\"\nreason = \"\"\n",
    )
    .unwrap();
    let (code, out, err) = compat(&repo, &["--accept-file", file.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("accept.toml:3:8: error: unknown rule `TYPE_MISMACH`"),
        "{err}"
    );
    assert!(err.contains("did you mean `TYPE_MISMATCH`?"), "{err}");
    assert!(
        err.contains("accept.toml:4:11: error: a JSON pointer starts with `/`"),
        "{err}"
    );
    assert!(
        err.contains("accept.toml:5:10: error: empty value in an accept entry"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");

    std::fs::write(&file, "[[accept]]\nsubjekt = \"x\"\n").unwrap();
    let (code, _, err) = compat(&repo, &["--accept-file", file.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("unknown key `subjekt`"), "{err}");
    assert!(err.contains("did you mean `subject`?"), "{err}");

    let missing = repo.dir.join("missing.toml");
    let (code, _, err) = compat(&repo, &["--accept-file", missing.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot read the accept file"), "{err}");
}
