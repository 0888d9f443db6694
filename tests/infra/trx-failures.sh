#!/usr/bin/env bash
# Names every failed test in the TRX files under the given folder, with the first lines of its message, so a CI log
# whose tail is all that is kept still says what failed. Prints nothing when nothing failed. Perl is in Debian's base.
set -euo pipefail
dir="${1:?results folder}"
shopt -s nullglob globstar
files=("$dir"/**/*.trx)
[ ${#files[@]} -eq 0 ] && exit 0
perl -0777 -ne '
  while (/<UnitTestResult\b[^>]*?testName="([^"]*)"[^>]*?outcome="(?:Failed|Error|Timeout|Aborted)"[^>]*>(.*?)<\/UnitTestResult>/sg) {
    my ($name, $body) = ($1, $2);
    my ($message) = $body =~ /<Message>(.*?)<\/Message>/s;
    $message //= "(no message)";
    for ($name, $message) { s/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&apos;/\x27/g; s/&#xD;//g; s/&#xA;/\n/g; s/&amp;/&/g; }
    my @lines = grep { /\S/ } split /\n/, $message;
    my $shown = join("\n    ", @lines[0 .. ($#lines < 5 ? $#lines : 5)]);
    print "FAILED $name\n    $shown\n";
  }
' "${files[@]}"
