#!/usr/bin/perl
use CGI;
my $q = CGI->new;
my $sql = $q->param('sql');
my $sth = $dbh->prepare($sql);
$sth->execute();
print $q->header, join("\n", map { join("\t", @$_) } @{$sth->fetchall_arrayref});
