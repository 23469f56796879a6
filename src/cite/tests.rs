//! Every format against hand-written citations of five sorts of document:
//! a treaty, a UN document, a speech published in a journal, a
//! multistakeholder declaration and a translated strategy.

use super::*;
use serde_json::json;

fn meta(id: &str, title: &str, issuer: &str, date: &str, kind: &str) -> DocumentMeta {
    DocumentMeta {
        id: id.into(),
        title: title.into(),
        issuer: issuer.into(),
        issuers: vec![],
        issuer_type: None,
        authors: vec![],
        date: date.into(),
        year: date[..4].parse().unwrap(),
        kind: kind.into(),
        number: None,
        country: None,
        organization: None,
        language: "en".into(),
        translation: None,
        original_language: None,
        url: None,
        container: None,
        venue: None,
        file: format!("{id}.txt"),
        passages: 100,
    }
}

fn at(
    n: u32,
    section: &[&str],
    label: Option<&str>,
    page: Option<u32>,
    lines: [u32; 2],
    kind: PassageKind,
) -> Location {
    Location {
        n,
        section: section.iter().map(|s| s.to_string()).collect(),
        label: label.map(String::from),
        page,
        lines,
        kind,
        anchor: Some("a1b2c3d4e5".into()),
    }
}

fn treaty() -> Citation {
    let mut d = meta(
        "coe-2001",
        "Convention on Cybercrime",
        "Council of Europe",
        "2001-11-23",
        "treaty",
    );
    d.number = Some("ETS No. 185".into());
    d.organization = Some("Council of Europe".into());
    d.url = Some("https://rm.coe.int/1680081561".into());
    Citation::new(
        &d,
        at(
            37,
            &["Chapter II – Measures to be taken at the national level"],
            Some("Article 5"),
            None,
            [120, 124],
            PassageKind::Body,
        ),
    )
}

fn un_document() -> Citation {
    let mut d = meta(
        "un-gge-2015",
        "Report of the Group of Governmental Experts on Developments in the Field of Information and Telecommunications in the Context of International Security",
        "United Nations General Assembly",
        "2015-07-22",
        "gge-report",
    );
    d.number = Some("A/70/174".into());
    d.organization = Some("United Nations".into());
    Citation::new(
        &d,
        at(
            52,
            &["III. Norms, rules and principles for the responsible behaviour of States"],
            Some("13(f)"),
            Some(8),
            [210, 213],
            PassageKind::ListItem,
        ),
    )
}

fn speech() -> Citation {
    let mut d = meta(
        "schondorf-2020",
        "Israel’s Perspective on Key Legal and Practical Issues Concerning the Application of International Law to Cyber Operations",
        "Israel Ministry of Justice",
        "2020-12-08",
        "speech",
    );
    d.authors = vec!["Roy Schöndorf".into()];
    d.country = Some("IL".into());
    d.venue = Some(Venue {
        journal: "International Law Studies".into(),
        volume: Some("97".into()),
        issue: None,
        pages: Some("395–406".into()),
        date: Some("2021".into()),
        url: None,
    });
    Citation::new(
        &d,
        at(
            12,
            &["Sovereignty"],
            None,
            None,
            [88, 90],
            PassageKind::Body,
        ),
    )
}

fn declaration() -> Citation {
    let mut d = meta(
        "paris-call-2018",
        "Paris Call for Trust and Security in Cyberspace",
        "Government of France, Microsoft and Internet Society",
        "2018-11-12",
        "declaration",
    );
    d.issuers = vec![
        "Government of France".into(),
        "Microsoft".into(),
        "Internet Society".into(),
    ];
    d.issuer_type = Some("multistakeholder".into());
    Citation::new(&d, at(3, &[], None, None, [14, 16], PassageKind::Body))
}

fn translated() -> Citation {
    let mut d = meta(
        "france-2017",
        "International Digital Strategy of France",
        "Ministry for Europe and Foreign Affairs",
        "2017-12",
        "national-strategy",
    );
    d.country = Some("FR".into());
    d.translation = Some("unofficial".into());
    d.original_language = Some("fr".into());
    Citation::new(
        &d,
        at(
            77,
            &["Security"],
            Some("14"),
            Some(12),
            [400, 401],
            PassageKind::Footnote,
        ),
    )
}

#[test]
fn plain() {
    assert_eq!(
        treaty().render(Format::Plain),
        "Council of Europe, “Convention on Cybercrime”, ETS No. 185, 23 November 2001, \
         § Chapter II – Measures to be taken at the national level, Article 5 \
         [normsearch coe-2001:37, text lines 120–124]"
    );
    assert_eq!(
        un_document().render(Format::Plain),
        "United Nations General Assembly, “Report of the Group of Governmental Experts on Developments in the Field of \
         Information and Telecommunications in the Context of International Security”, A/70/174, 22 July 2015, \
         § III. Norms, rules and principles for the responsible behaviour of States, ¶ 13(f), p. 8 \
         [normsearch un-gge-2015:52, text lines 210–213]"
    );
    assert_eq!(
        speech().render(Format::Plain),
        "Roy Schöndorf, “Israel’s Perspective on Key Legal and Practical Issues Concerning the Application of \
         International Law to Cyber Operations” (Israel Ministry of Justice), delivered 8 December 2020, \
         published in International Law Studies, vol. 97 (2021), pp. 395–406, § Sovereignty, unnumbered paragraph \
         [normsearch schondorf-2020:12, text lines 88–90]"
    );
    assert_eq!(
        declaration().render(Format::Plain),
        "Government of France, Microsoft and Internet Society, “Paris Call for Trust and Security in Cyberspace”, \
         12 November 2018, unnumbered paragraph [normsearch paris-call-2018:3, text lines 14–16]"
    );
    assert_eq!(
        translated().render(Format::Plain),
        "Ministry for Europe and Foreign Affairs, “International Digital Strategy of France”, unofficial translation \
         from French, December 2017, § Security, n. 14, p. 12 [normsearch france-2017:77, text lines 400–401]"
    );
}

#[test]
fn chicago() {
    assert_eq!(
        treaty().render(Format::Chicago),
        "Council of Europe, *Convention on Cybercrime*, ETS No. 185 (23 November 2001), \
         sec. “Chapter II – Measures to be taken at the national level”, Article 5, https://rm.coe.int/1680081561."
    );
    assert_eq!(
        un_document().render(Format::Chicago),
        "United Nations General Assembly, *Report of the Group of Governmental Experts on Developments in the Field of \
         Information and Telecommunications in the Context of International Security*, A/70/174 (22 July 2015), \
         sec. “III. Norms, rules and principles for the responsible behaviour of States”, para. 13(f), p. 8."
    );
    assert_eq!(
        speech().render(Format::Chicago),
        "Roy Schöndorf, “Israel’s Perspective on Key Legal and Practical Issues Concerning the Application of \
         International Law to Cyber Operations” (Israel Ministry of Justice, delivered 8 December 2020), \
         published in *International Law Studies*, vol. 97 (2021), pp. 395–406, sec. “Sovereignty”, unnumbered paragraph."
    );
    assert_eq!(
        declaration().render(Format::Chicago),
        "Government of France, Microsoft and Internet Society, *Paris Call for Trust and Security in Cyberspace* \
         (12 November 2018), unnumbered paragraph."
    );
    assert_eq!(
        translated().render(Format::Chicago),
        "Ministry for Europe and Foreign Affairs, *International Digital Strategy of France* (December 2017), \
         unofficial translation from French, sec. “Security”, n. 14, p. 12."
    );
}

#[test]
fn bibtex() {
    assert_eq!(
        treaty().render(Format::Bibtex),
        "@misc{coe_2001,
  author      = {{Council of Europe}},
  title       = {{Convention on Cybercrime}},
  number      = {ETS No. 185},
  year        = {2001},
  month       = nov,
  url         = {https://rm.coe.int/1680081561},
  note        = {§ Chapter II – Measures to be taken at the national level, Article 5 (normsearch coe-2001:37, text lines 120–124)},
}"
    );
    assert_eq!(
        un_document().render(Format::Bibtex),
        "@techreport{un_gge_2015,
  author      = {{United Nations General Assembly}},
  title       = {{Report of the Group of Governmental Experts on Developments in the Field of Information and Telecommunications in the Context of International Security}},
  institution = {United Nations General Assembly},
  number      = {A/70/174},
  year        = {2015},
  month       = jul,
  note        = {§ III. Norms, rules and principles for the responsible behaviour of States, ¶ 13(f), p. 8 (normsearch un-gge-2015:52, text lines 210–213)},
}"
    );
    assert_eq!(
        speech().render(Format::Bibtex),
        "@article{schondorf_2020,
  author      = {Roy Schöndorf},
  title       = {{Israel’s Perspective on Key Legal and Practical Issues Concerning the Application of International Law to Cyber Operations}},
  journal     = {International Law Studies},
  volume      = {97},
  pages       = {395--406},
  year        = {2021},
  note        = {Delivered 8 December 2020. § Sovereignty, unnumbered paragraph (normsearch schondorf-2020:12, text lines 88–90)},
}"
    );
    assert_eq!(
        declaration().render(Format::Bibtex),
        "@misc{paris_call_2018,
  author      = {{Government of France} and {Microsoft} and {Internet Society}},
  title       = {{Paris Call for Trust and Security in Cyberspace}},
  year        = {2018},
  month       = nov,
  note        = {unnumbered paragraph (normsearch paris-call-2018:3, text lines 14–16)},
}"
    );
    assert_eq!(
        translated().render(Format::Bibtex),
        "@techreport{france_2017,
  author      = {{Ministry for Europe and Foreign Affairs}},
  title       = {{International Digital Strategy of France}},
  institution = {Ministry for Europe and Foreign Affairs},
  year        = {2017},
  month       = dec,
  note        = {Unofficial translation from French. § Security, n. 14, p. 12 (normsearch france-2017:77, text lines 400–401)},
}"
    );
}

#[test]
fn json() {
    let value = |c: &Citation| -> serde_json::Value {
        serde_json::from_str(&c.render(Format::Json)).unwrap()
    };
    assert_eq!(
        value(&speech()),
        json!({
            "id": "schondorf-2020:12",
            "doc": "schondorf-2020",
            "title": "Israel’s Perspective on Key Legal and Practical Issues Concerning the Application of International Law to Cyber Operations",
            "issuer": "Israel Ministry of Justice",
            "issuers": [],
            "issuer_type": null,
            "authors": ["Roy Schöndorf"],
            "date": "2020-12-08",
            "year": 2020,
            "document_kind": "speech",
            "number": null,
            "language": "en",
            "translation": null,
            "original_language": null,
            "container": null,
            "venue": {"journal": "International Law Studies", "volume": "97", "issue": null, "pages": "395–406", "date": "2021", "url": null},
            "url": null,
            "file": "schondorf-2020.txt",
            "pinpoint": "§ Sovereignty, unnumbered paragraph",
            "n": 12,
            "section": ["Sovereignty"],
            "label": null,
            "page": null,
            "lines": [88, 90],
            "kind": "body",
            "anchor": "a1b2c3d4e5"
        })
    );
    let t = value(&treaty());
    assert_eq!(t["number"], json!("ETS No. 185"));
    assert_eq!(
        t["pinpoint"],
        json!("§ Chapter II – Measures to be taken at the national level, Article 5")
    );
    let u = value(&un_document());
    assert_eq!(
        (&u["number"], &u["label"], &u["page"]),
        (&json!("A/70/174"), &json!("13(f)"), &json!(8))
    );
    let d = value(&declaration());
    assert_eq!(
        d["issuers"],
        json!(["Government of France", "Microsoft", "Internet Society"])
    );
    assert_eq!(d["issuer_type"], json!("multistakeholder"));
    assert_eq!(d["pinpoint"], json!("unnumbered paragraph"));
    let f = value(&translated());
    assert_eq!(
        (&f["translation"], &f["original_language"]),
        (&json!("unofficial"), &json!("fr"))
    );
    // Every format reads back to the same value.
    for c in [
        treaty(),
        un_document(),
        speech(),
        declaration(),
        translated(),
    ] {
        let back: Citation = serde_json::from_str(&c.render(Format::Json)).unwrap();
        assert_eq!(back, c);
    }
}

#[test]
fn no_format_passes_the_ordinal_off_as_the_documents_number() {
    for c in [speech(), declaration()] {
        let n = c.location.n.to_string();
        for f in [Format::Plain, Format::Chicago, Format::Bibtex] {
            let text = c.render(f);
            // The ordinal appears only inside the marked normsearch locator.
            let outside = text.replace(&c.locator(), "");
            assert!(!outside.contains(&format!("passage {n}")), "{text}");
            assert!(!outside.contains(&format!("¶ {n}")), "{text}");
            assert!(!outside.contains(&format!("para. {n}")), "{text}");
            assert!(text.contains("unnumbered paragraph"), "{text}");
        }
    }
}
