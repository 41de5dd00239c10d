//! Prints the evidence a lesson step can ask for, measured as the app measures it, for the
//! sample models named on the command line:
//!
//!   cargo run --release --example lesson_evidence -- paired digits-max digits-avg
//!   cargo run --release --example lesson_evidence -- consistency digits-max digits-nopool
//!   cargo run --release --example lesson_evidence -- test_noise saltpepper:0.1 digits-max digits-avg
//!
//! Each line is a fact name and its value, as a lesson's text quotes it.

use convscope::app::Request;
use convscope::app::TestSets;
use std::path::Path;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage =
        "usage: lesson_evidence paired A B | consistency NAME... | test_noise NOISE NAME...";
    let requests: Vec<Request> = match args.split_first() {
        Some((kind, rest)) if kind == "paired" && rest.len() == 2 => {
            vec![Request::Paired(rest[0].clone(), rest[1].clone())]
        }
        Some((kind, rest)) if kind == "consistency" && !rest.is_empty() => {
            rest.iter().cloned().map(Request::Consistency).collect()
        }
        Some((kind, [noise, models @ ..])) if kind == "test_noise" && !models.is_empty() => {
            vec![Request::TestNoise {
                models: models.to_vec(),
                noise: noise.clone(),
                seed: 0,
            }]
        }
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    };
    let load = |name: &str| {
        let path = Path::new("sample_models").join(format!("{name}.json"));
        convscope::io::load_model(&path).map_err(|e| e.to_string())
    };
    let sets = TestSets::default();
    for request in requests {
        let start = Instant::now();
        match request.measure(&load, &sets) {
            Ok(facts) => {
                for (name, value) in facts.iter() {
                    println!("{name} = {value}");
                }
            }
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        }
        eprintln!("({:.2} s)", start.elapsed().as_secs_f64());
    }
}
