#!/usr/bin/perl -T
# A CGI.pm form, as countless old admin pages are written.
use strict;
use warnings;
use CGI;

my $q = CGI->new;
print $q->header(-type => 'text/plain', -charset => 'utf-8');
print "perl form: name=", scalar $q->param('name'), "\n";
