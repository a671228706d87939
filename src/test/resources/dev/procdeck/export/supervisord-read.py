# Reads an exported APP.conf the way supervisord does (its own option parser, not a copy of its rules) and prints
# what supervisord would run, as JSON: one object per program with argv, environment, directory and settings.
# usage: python3 supervisord-read.py APP.conf   (with the supervisor package importable)
import json, os, shlex, sys, tempfile
from supervisor.options import ServerOptions

conf = os.path.abspath(sys.argv[1])
work = tempfile.mkdtemp()
main = os.path.join(work, "supervisord.conf")
with open(main, "w") as f:
    f.write("[supervisord]\nlogfile=%s/supervisord.log\npidfile=%s/supervisord.pid\n" % (work, work))
    f.write("[include]\nfiles=%s\n" % conf)
options = ServerOptions()
options.realize(args=["-c", main])
out = []
for group in options.process_group_configs:
    for p in group.process_configs:
        out.append({
            "group": group.name,
            "name": p.name,
            "argv": shlex.split(p.command),
            "environment": p.environment,
            "directory": p.directory,
            "autorestart": str(p.autorestart),
            "exitcodes": list(p.exitcodes),
            "stopsignal": int(p.stopsignal),
            "stopwaitsecs": p.stopwaitsecs,
            "stopasgroup": p.stopasgroup,
            "killasgroup": p.killasgroup,
            "uid": p.uid,
        })
print(json.dumps(out))
