from konvergensi.commands.cli import main

raise SystemExit(main())
