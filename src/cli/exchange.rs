//! `keys`, `share` and `receive`: the exchange between the two States
//! (ISACS 05.60, 10.5.10) as commands over `borderwatch::exchange`.

use super::load;
use borderwatch::error::{Error, Result};
use borderwatch::exchange::content;
use borderwatch::exchange::keys::{self, PublicKeys};
use borderwatch::exchange::log;
use borderwatch::exchange::request::AssistanceRequest;
use borderwatch::exchange::{self as ex, receive, Layer};
use borderwatch::ids::StateId;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum KeysCmd {
    /// Make a State's key pair: an age identity (packages to it are
    /// encrypted) and a minisign key (its packages are signed), the secret
    /// parts protected by a passphrase. Never overwrites keys.
    New {
        /// ISO 3166-1 code of the State (AND, ESP…).
        #[arg(long)]
        state: String,
        /// Folder for the keys (made if missing).
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        pass: PassArgs,
    },
    /// Print the public parts to hand to the neighbour (STATE.pub), and
    /// the same keys for Debian's `age -r` and `minisign -P`.
    Show {
        /// A key folder, or a STATE.pub file.
        keys: PathBuf,
    },
}

#[derive(clap::Args, Default)]
pub struct PassArgs {
    /// Read the passphrase from the first line of this file instead of the
    /// terminal (scripts, tests).
    #[arg(long)]
    passphrase_file: Option<PathBuf>,
}

impl PassArgs {
    fn get(&self, what: &str, twice: bool) -> Result<String> {
        if let Some(f) = &self.passphrase_file {
            let text = borderwatch::io::read_bounded(f, 4096)?;
            let line = text.lines().next().unwrap_or("").to_string();
            if line.is_empty() {
                return Err(Error::data(f, "the first line (the passphrase) is empty"));
            }
            return Ok(line);
        }
        let no_tty = |e: std::io::Error| {
            Error::Usage(format!(
                "cannot ask for the passphrase ({e}); give --passphrase-file FILE"
            ))
        };
        let p = rpassword::prompt_password(format!("Passphrase for {what}: ")).map_err(no_tty)?;
        if twice && rpassword::prompt_password("The same again: ").map_err(no_tty)? != p {
            return Err(Error::Usage(
                "the two passphrases differ; nothing written".into(),
            ));
        }
        Ok(p)
    }
}

pub fn keys(cmd: KeysCmd) -> Result<ExitCode> {
    match cmd {
        KeysCmd::New { state, out, pass } => {
            let st = code(&state)?;
            let p = pass.get(&format!("{st}'s new keys"), true)?;
            for f in keys::generate(&out, &st, &p)? {
                println!("wrote {}", f.display());
            }
            let public = PublicKeys::read(&keys::KeyFiles::of(&out, &st).public)?;
            println!(
                "Hand {st}.pub to the neighbouring State; keep {st}.identity.age and {st}.minisign.key \
                 (and the passphrase) to yourself. minisign key id {}.",
                public.key_id()
            );
        }
        KeysCmd::Show { keys: k } => {
            let file = if k.is_dir() {
                keys::KeyFiles::of(&k, &keys::state_in(&k)?).public
            } else {
                k
            };
            let public = PublicKeys::read(&file)?;
            print!("{}", public.to_toml());
            println!("\n# age -r {}", public.age_recipient);
            println!("# minisign -P {}", public.minisign_public_key);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn code(s: &str) -> Result<StateId> {
    ex::state_code(s).ok_or_else(|| {
        Error::Usage(format!(
            "{s:?} is not an ISO 3166-1 country code (e.g. AND, ESP)"
        ))
    })
}

/// Who sends to whom, with which keys, and where the package goes
/// (`share` and `request`).
#[derive(clap::Args)]
pub struct SendArgs {
    /// The sending State (its own releasable features only).
    #[arg(long)]
    from: String,
    /// The receiving State.
    #[arg(long)]
    to: String,
    /// The sender's key folder (`keys new`).
    #[arg(long, required_unless_present = "dry_run")]
    key: Option<PathBuf>,
    /// The recipient's public keys (its STATE.pub).
    #[arg(long, required_unless_present = "dry_run")]
    recipient: Option<PathBuf>,
    /// The package to write.
    #[arg(long, required_unless_present = "dry_run")]
    out: Option<PathBuf>,
    /// Print what would go and write nothing.
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    pass: PassArgs,
}

#[derive(clap::Args)]
pub struct ShareArgs {
    scenario: PathBuf,
    #[command(flatten)]
    send: SendArgs,
    /// Layers, comma-separated: posts, units, agreements, risk (intelligence
    /// as weight per km of border), incidents (seizures as counts per km),
    /// plan (with --plan).
    #[arg(long, value_delimiter = ',', default_value = "posts,units,agreements")]
    include: Vec<String>,
    /// A joint plan's plan.json: the partner gets its own units' orders and
    /// the sender's units' paths within the hot-pursuit depth of the line.
    #[arg(long)]
    plan: Option<PathBuf>,
}

pub fn share(a: ShareArgs) -> Result<ExitCode> {
    let s = load(&a.scenario)?;
    let mut include = layers(&a.include)?;
    let plan = match &a.plan {
        None if include.contains(&Layer::Plan) => {
            return Err(Error::Usage(
                "--include plan: give the plan with --plan DIR/plan.json".into(),
            ))
        }
        None => None,
        Some(path) => {
            if !include.contains(&Layer::Plan) {
                include.push(Layer::Plan);
            }
            let (from, to) = (code(&a.send.from)?, code(&a.send.to)?);
            let ours = content::releasable_units(&s, &from);
            Some(borderwatch::exchange::plan::select(&s, path, &to, &ours)?)
        }
    };
    send(&s, &a.send, &include, None, plan.as_ref())
}

/// The manifest shown, then the package signed, encrypted, written and logged.
fn send(
    s: &borderwatch::model::Scenario,
    a: &SendArgs,
    include: &[Layer],
    request: Option<&AssistanceRequest>,
    plan: Option<&borderwatch::exchange::plan::PlanShare>,
) -> Result<ExitCode> {
    let (from, to) = (code(&a.from)?, code(&a.to)?);
    for st in [&from, &to] {
        if s.state(st).is_none() {
            return Err(Error::Usage(format!(
                "{st} is not a State of scenario {}",
                s.name
            )));
        }
    }
    if from == to {
        return Err(Error::Usage("--from and --to name the same State".into()));
    }
    let entries = log::read(&s.path)?;
    let req = content::Share {
        from: &from,
        to: &to,
        include,
        request,
        plan,
        sequence: log::next_sequence(&entries, &from, &to),
        written_utc: ex::now_utc(),
    };
    let (p, withheld) = content::select(s, &req);
    print!("{}", p.manifest.text(&withheld));
    if a.dry_run {
        println!("(dry run: nothing written)");
        return Ok(ExitCode::SUCCESS);
    }
    let (Some(key), Some(rcpt), Some(out)) = (&a.key, &a.recipient, &a.out) else {
        unreachable!("clap requires --key, --recipient and --out without --dry-run")
    };
    let recipient = PublicKeys::read(rcpt)?;
    let pass = a.pass.get(&format!("{from}'s keys"), false)?;
    let mine = keys::unlock(key, &from, &pass)?;
    let n = ex::send(s, &p, &mine, &recipient, out)?;
    println!(
        "wrote {} ({n} bytes): signed by {from} (minisign key id {}), encrypted to {to}; logged in {}",
        out.display(),
        mine.public.key_id(),
        log::path(&s.path).display()
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
pub struct RequestArgs {
    scenario: PathBuf,
    /// The written request (TOML: authority, measure, object, reason,
    /// legal_basis, targets, facts; optional routes, from_utc, until_utc).
    #[arg(long)]
    request: PathBuf,
    #[command(flatten)]
    send: SendArgs,
}

pub fn request(a: RequestArgs) -> Result<ExitCode> {
    let s = load(&a.scenario)?;
    let r = borderwatch::exchange::request::read(&a.request, &s)?;
    print!("{}", r.text());
    send(&s, &a.send, &[], Some(&r), None)
}

fn layers(names: &[String]) -> Result<Vec<Layer>> {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for n in names.iter().filter(|n| !n.trim().is_empty()) {
        match Layer::parse(n) {
            Some(l) if !out.contains(&l) => out.push(l),
            Some(_) => {}
            None => bad.push(n.clone()),
        }
    }
    if !bad.is_empty() {
        let known: Vec<&str> = Layer::ALL.iter().map(|l| l.name()).collect();
        return Err(Error::Usage(format!(
            "--include: unknown layer(s) {}; expected some of {}",
            bad.join(", "),
            known.join(", ")
        )));
    }
    Ok(out)
}

#[derive(clap::Args)]
pub struct ReceiveArgs {
    /// The package received.
    file: PathBuf,
    /// The receiving State's scenario.
    #[arg(long)]
    into: PathBuf,
    /// The receiving State's key folder.
    #[arg(long)]
    key: PathBuf,
    /// The sender's public keys (its STATE.pub), as handed over.
    #[arg(long)]
    trust: PathBuf,
    #[command(flatten)]
    pass: PassArgs,
}

pub fn receive(a: ReceiveArgs) -> Result<ExitCode> {
    let s = load(&a.into)?;
    let trusted = PublicKeys::read(&a.trust)?;
    let me = keys::state_in(&a.key)?;
    let pass = a.pass.get(&format!("{me}'s keys"), false)?;
    let mine = keys::unlock(&a.key, &me, &pass)?;
    let got = receive::receive(&a.file, &s, &mine, &trusted)?;
    print!("{}", got.package.manifest.text(&[]));
    if let Some(r) = &got.package.request {
        print!("{}", r.text());
    }
    println!(
        "accepted: stored as {}'s layers in {} (never in {}'s own files); logged in {}",
        trusted.state,
        shown(&got.dir),
        me,
        log::path(&s.path).display()
    );
    Ok(ExitCode::SUCCESS)
}

fn shown(p: &Path) -> String {
    borderwatch::scenario::load::display_path(p)
        .display()
        .to_string()
}
