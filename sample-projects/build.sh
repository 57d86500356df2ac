#!/bin/sh
# build.sh: build the sample project databases with the gavel command line.
#
#   sh sample-projects/build.sh GAVEL DB_DIR
#
# For each sample project (sentiment, moderation) it creates DB_DIR/NAME.db
# from the committed files: init with the project YAML (which loads the
# guidelines), then import items, votes and model predictions. An existing
# database of the same name is removed first, so running it again gives a
# fresh copy. Prints the path of each database built; exits non-zero, naming
# the step, when a gavel command fails.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: sh sample-projects/build.sh GAVEL DB_DIR" >&2
	exit 2
fi
gavel=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"

step() {
	what=$1
	shift
	if ! "$@"; then
		echo "build.sh: $what failed: $*" >&2
		exit 1
	fi
}

# build NAME MODEL: one sample project.
build() {
	src=$here/$1
	db=$out/$1.db
	rm -f "$db" "$db-wal" "$db-shm" "$db-journal"
	step "init $1" "$gavel" init "$db" --project "$src/project.yaml"
	step "import $1 items" "$gavel" import "$db" items "$src/items.csv"
	step "import $1 votes" "$gavel" import "$db" votes "$src/votes.csv"
	step "import $1 predictions" "$gavel" import "$db" predictions "$src/predictions.csv" \
		--model "$2"
	echo "$db"
}

build sentiment review-classifier-v3
build moderation safety-classifier-v7
