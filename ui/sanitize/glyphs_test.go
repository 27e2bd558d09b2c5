package sanitize

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestASCIIGlyphsCoverTheScreen: every non-ASCII character in a string or
// rune literal of the screen's code (not its tests) has an ASCII stand-in,
// so that Frame keeps the layout under a locale that is not UTF-8.
func TestASCIIGlyphsCoverTheScreen(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "screen", "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no screen sources: %v", err)
	}
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || (lit.Kind != token.STRING && lit.Kind != token.CHAR) {
				return true
			}
			text := lit.Value
			if lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					text = s
				}
			}
			for _, r := range text {
				if _, ok := ASCIIGlyphs[r]; r > 0x7e && !ok {
					t.Errorf("%s: %q has no ASCII stand-in in ASCIIGlyphs", fset.Position(lit.Pos()), r)
				}
			}
			return true
		})
	}
}
