#!/bin/sh
# Real programs from Debian behind the real nginx, under their shipped
# profiles: a profile that is too tight fails here.
. "${top_srcdir:-.}/tests/integration/lib.sh"

need_tools git /usr/lib/git-core/git-http-backend /usr/lib/cgit/cgit.cgi \
    /usr/share/gitweb/gitweb.cgi perl
perl -MCGI -e 1 2>/dev/null ||
    not_ok "Perl's CGI.pm is installed (TEST_DEPS in contrib/quickstart.sh: libcgi-pm-perl)"

install_test_scripts
write_test_profile
cp "$top_srcdir"/profiles/*.conf "$T/profiles/"

# /srv/git is where the shipped profiles let git, cgit and gitweb read;
# what this test creates there, it removes, /srv/git itself included
# when it was not there before.
REPO=safecgi-test-$$.git
[ -d /srv/git ] && SRV_GIT_WAS_THERE=1 || SRV_GIT_WAS_THERE=
mkdir -p /srv/git
git init -q --bare -b main "/srv/git/$REPO"
git -C "/srv/git/$REPO" config http.receivepack true
chown -R www-data:www-data "/srv/git/$REPO"
cleanup_repo() {
	rm -rf "/srv/git/$REPO"
	[ -n "$SRV_GIT_WAS_THERE" ] || rmdir /srv/git 2>/dev/null
	cleanup
}
trap cleanup_repo EXIT

cat > "$T/cgitrc" <<CGITRC
cache-size=0
virtual-root=/cgit/
repo.url=$REPO
repo.path=/srv/git/$REPO
repo.desc=safecgi test repository
CGITRC
cat > "$T/gitweb.conf" <<GITWEB
our \$projectroot = "/srv/git";
our \$git_temp = "/tmp";
GITWEB
chmod 644 "$T/cgitrc" "$T/gitweb.conf"
# the configuration lives here, not in /etc: the read views must say so
sed -i "/^\[filesystem\]/a read = $T/cgitrc" "$T/profiles/cgit.conf"
sed -i "/^\[filesystem\]/a read = $T/gitweb.conf" "$T/profiles/gitweb.conf"

NGINX_EXTRA="
	location ~ ^/git(/.*) {
		include /etc/nginx/fastcgi_params;
		fastcgi_param SCRIPT_FILENAME /usr/lib/git-core/git-http-backend;
		fastcgi_param GIT_PROJECT_ROOT /srv/git;
		fastcgi_param GIT_HTTP_EXPORT_ALL \"\";
		fastcgi_param PATH_INFO \$1;
		fastcgi_pass unix:$SOCK;
	}
	location /cgit/ {
		include /etc/nginx/fastcgi_params;
		fastcgi_param SCRIPT_FILENAME /usr/lib/cgit/cgit.cgi;
		fastcgi_param CGIT_CONFIG $T/cgitrc;
		fastcgi_split_path_info ^(/cgit)(/.*)\$;
		fastcgi_param PATH_INFO \$fastcgi_path_info;
		fastcgi_pass unix:$SOCK;
	}
	location = /gitweb/ {
		include /etc/nginx/fastcgi_params;
		fastcgi_param SCRIPT_FILENAME /usr/share/gitweb/gitweb.cgi;
		fastcgi_param GITWEB_CONFIG $T/gitweb.conf;
		fastcgi_pass unix:$SOCK;
	}
	location ~ ^/apps/(.*\\.pl)\$ {
		include /etc/nginx/fastcgi_params;
		fastcgi_param SCRIPT_FILENAME $CGIBIN/\$1;
		fastcgi_param SAFECGI_PROFILE perl-cgi;
		fastcgi_pass unix:$SOCK;
	}
	location ~ ^/apps/(.*\\.py)\$ {
		include /etc/nginx/fastcgi_params;
		fastcgi_param SCRIPT_FILENAME $CGIBIN/\$1;
		fastcgi_param SAFECGI_PROFILE python-cgi;
		fastcgi_pass unix:$SOCK;
	}
	location ~ ^/apps/(.*\\.sh)\$ {
		include /etc/nginx/fastcgi_params;
		fastcgi_param SCRIPT_FILENAME $CGIBIN/\$1;
		fastcgi_param SAFECGI_PROFILE shell-cgi;
		fastcgi_pass unix:$SOCK;
	}
"
start_nginx
start_safecgi

W="$T/work"
mkdir -p "$W"
export GIT_TERMINAL_PROMPT=0 HOME="$T"
git config --global user.email test@example.org
git config --global user.name "safecgi test"
git config --global init.defaultBranch main

git clone -q "$BASE/git/$REPO" "$W/a" 2>"$T/clone.err"
check "git-http-backend: clone of an empty repository" [ -d "$W/a/.git" ]

echo "pushed through safecgi" > "$W/a/README"
git -C "$W/a" add README
git -C "$W/a" commit -qm "first commit"
git -C "$W/a" push -q origin main 2>"$T/push.err"
check "git-http-backend: push over smart HTTP" \
    [ "$(git -c safe.directory="*" -C "/srv/git/$REPO" log --format=%s main 2>/dev/null)" = "first commit" ]

git clone -q "$BASE/git/$REPO" "$W/b" 2>>"$T/clone.err"
check "git-http-backend: clone sees the pushed commit" \
    grep -q "pushed through safecgi" "$W/b/README"

s=$(http_status "$BASE/cgit/")
if [ "$s" = 200 ] && grep -q "$REPO" "$T/body"
then
	ok "cgit: the index lists the repository"
else
	not_ok "cgit: the index lists the repository" "failed: [ \"\$s\" = 200 ] && grep -q \"\$REPO\" \"\$T/body\""
fi
s=$(http_status "$BASE/cgit/$REPO/log/")
if [ "$s" = 200 ] && grep -q "first commit" "$T/body"
then
	ok "cgit: the log page shows the commit"
else
	not_ok "cgit: the log page shows the commit" "failed: [ \"\$s\" = 200 ] && grep -q \"first commit\" \"\$T/body\""
fi

s=$(http_status "$BASE/gitweb/")
if [ "$s" = 200 ] && grep -q "$REPO" "$T/body"
then
	ok "gitweb: the project list shows the repository"
else
	not_ok "gitweb: the project list shows the repository" "failed: [ \"\$s\" = 200 ] && grep -q \"\$REPO\" \"\$T/body\""
fi

s=$(http_status "$BASE/apps/form.pl" --data-urlencode "name=Zoë O'Keefe & \"friends\"" \
    --data-urlencode "city=東京")
if [ "$s" = 200 ] && grep -q "^name=Zoë O'Keefe & \"friends\"$" "$T/body" && grep -q "^city=東京$" "$T/body"
then
	ok "Perl CGI.pm form POST keeps UTF-8 and quotes"
else
	not_ok "Perl CGI.pm form POST keeps UTF-8 and quotes" "failed: [ \"\$s\" = 200 ] && grep -q \"^name=Zoë O'Keefe & \\\"friends\\\"\$\" \"\$T/body\" && grep -q \"^city=東京\$\" \"\$T/body\""
fi

s=$(http_status "$BASE/apps/form.py?q=caf%C3%A9+%5B1%5D&n=1%271")
if [ "$s" = 200 ] && grep -q "^q=café \[1\]$" "$T/body" && grep -q "^n=1'1$" "$T/body"
then
	ok "Python CGI reads its query"
else
	not_ok "Python CGI reads its query" "failed: [ \"\$s\" = 200 ] && grep -q \"^q=café \\[1\\]\$\" \"\$T/body\" && grep -q \"^n=1'1\$\" \"\$T/body\""
fi

s=$(http_status "$BASE/apps/fast.sh")
check "shell CGI runs under the shell-cgi profile" [ "$s" = 200 -a "$(body)" = fast ]

s=$(http_status "$BASE/cgi-bin/hello")
check "C CGI runs" [ "$s" = 200 -a "$(body)" = hello ]

check "git-http-backend ran under its own profile" \
    grep -q 'script=/usr/lib/git-core/git-http-backend profile=git-http-backend status=200' "$ERRLOG"

done_testing
