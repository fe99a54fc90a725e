#!/bin/sh
# Cuts the Noto fonts the card carries down to the scripts it draws.
# Sources: the Debian package fonts-noto-core (/usr/share/fonts/truetype/noto);
# tool: fontTools.subset (pyftsubset), from fonttools (Debian: python3-fonttools). Every
# OpenType layout feature is kept, since shaping needs them.
set -eu
src=${1:-/usr/share/fonts/truetype/noto}
cd "$(dirname "$0")"
common=U+0020-007E,U+00A0-00FF,U+2000-206F,U+2190-2193,U+2212,U+25CC
latin=$common,U+0100-024F,U+0300-036F,U+1E00-1EFF,U+20AB
arabic=$common,U+0600-06FF,U+0750-077F,U+08A0-08FF,U+FB50-FDFF,U+FE70-FEFF
devanagari=$common,U+0900-097F,U+A8E0-A8FF,U+1CD0-1CFF,U+20B9
cut() { # family, unicodes
	for w in Regular Bold; do
		${PYTHON:-python3} -m fontTools.subset "$src/$1-$w.ttf" --unicodes="$2" --layout-features='*' \
			--no-hinting --name-IDs='*' --notdef-outline --output-file="$1-$w.ttf"
	done
}
cut NotoSans "$latin"
cut NotoSansArabic "$arabic"
cut NotoSansDevanagari "$devanagari"
