package ncfake

import (
	"encoding/json"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
)

// normalizeRecipe does to a recipe what Cookbook 0.11.5 did on save and
// import (cookbook/05, 08): PT#H#M#S durations, a numeric yield, steps as
// plain strings, keywords without spaces after commas, the JSON-LD type,
// and empty defaults for the fields it always returns.
func normalizeRecipe(doc map[string]any) {
	doc["@context"] = "http://schema.org"
	doc["@type"] = "Recipe"
	for _, k := range []string{"description", "recipeCategory", "url", "prepTime", "cookTime", "totalTime"} {
		if _, ok := doc[k].(string); !ok {
			doc[k] = ""
		}
	}
	for _, k := range []string{"prepTime", "cookTime", "totalTime"} {
		doc[k] = normalizeDuration(str(doc[k]))
	}
	doc["keywords"] = strings.Join(splitKeywords(keywordString(doc["keywords"])), ",")
	if y, ok := doc["recipeYield"]; ok {
		doc["recipeYield"] = normalizeYield(y)
	}
	doc["recipeInstructions"] = flattenSteps(doc["recipeInstructions"])
	if ing, ok := doc["recipeIngredient"].([]any); ok {
		doc["recipeIngredient"] = ing
	} else {
		doc["recipeIngredient"] = []any{}
	}
	if _, ok := doc["tool"].([]any); !ok {
		doc["tool"] = []any{}
	}
	if n, ok := doc["nutrition"].(map[string]any); ok {
		n["@type"] = "NutritionInformation"
	}
	switch img := doc["image"].(type) {
	case string:
	case []any:
		doc["image"] = ""
		if len(img) > 0 {
			doc["image"] = imageURL(img[0])
		}
	default:
		doc["image"] = imageURL(img)
	}
	if _, ok := doc["datePublished"]; !ok {
		doc["datePublished"] = nil
	}
}

func imageURL(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		return str(x["url"])
	}
	return ""
}

func keywordString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		var parts []string
		for _, p := range x {
			parts = append(parts, fmt.Sprint(p))
		}
		return strings.Join(parts, ",")
	}
	return ""
}

var durationPart = regexp.MustCompile(`(?i)^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$`)

// normalizeDuration writes an ISO 8601 duration as PT#H#M#S ("PT10M" →
// "PT0H10M0S"); what it cannot read stays as it is.
func normalizeDuration(d string) string {
	m := durationPart.FindStringSubmatch(strings.TrimSpace(d))
	if d == "" || m == nil {
		return d
	}
	n := func(s string) int { v, _ := strconv.Atoi(s); return v }
	return fmt.Sprintf("PT%dH%dM%dS", n(m[1])*24+n(m[2]), n(m[3]), n(m[4]))
}

var firstNumber = regexp.MustCompile(`\d+`)

// normalizeYield keeps the servings as a number: "4 servings" → 4.
func normalizeYield(v any) any {
	switch x := v.(type) {
	case float64:
		return int(x)
	case string:
		if m := firstNumber.FindString(x); m != "" {
			n, _ := strconv.Atoi(m)
			return n
		}
	case []any:
		if len(x) > 0 {
			return normalizeYield(x[0])
		}
	}
	// Not recorded: a yield without a number.
	return 1
}

// flattenSteps turns HowToStep objects (and HowToSections of them) into strings.
func flattenSteps(v any) []any {
	out := []any{}
	switch x := v.(type) {
	case string:
		if strings.TrimSpace(x) != "" {
			out = append(out, x)
		}
	case []any:
		for _, s := range x {
			switch st := s.(type) {
			case string:
				out = append(out, st)
			case map[string]any:
				if items, ok := st["itemListElement"]; ok {
					out = append(out, flattenSteps(items)...)
				} else if t := str(st["text"]); t != "" {
					out = append(out, t)
				}
			}
		}
	}
	return out
}

var ldJSON = regexp.MustCompile(`(?is)<script[^>]*type=["']application/ld\+json["'][^>]*>(.*?)</script>`)

// recipeFromHTML finds a schema.org Recipe in the page's JSON-LD blocks.
func recipeFromHTML(page []byte) map[string]any {
	for _, m := range ldJSON.FindAllSubmatch(page, -1) {
		var v any
		if json.Unmarshal(m[1], &v) != nil {
			continue
		}
		if r := findRecipe(v); r != nil {
			return r
		}
	}
	return nil
}

func findRecipe(v any) map[string]any {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if r := findRecipe(e); r != nil {
				return r
			}
		}
	case map[string]any:
		if isRecipeType(x["@type"]) {
			return x
		}
		if g, ok := x["@graph"]; ok {
			return findRecipe(g)
		}
	}
	return nil
}

func isRecipeType(t any) bool {
	switch x := t.(type) {
	case string:
		return x == "Recipe"
	case []any:
		for _, e := range x {
			if e == "Recipe" {
				return true
			}
		}
	}
	return false
}

func isIPHost(host string) bool { return net.ParseIP(strings.Trim(host, "[]")) != nil }
