from konvergensi.cli import main

raise SystemExit(main())
