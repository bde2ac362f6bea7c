package rootly

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/caseassign/caseassign/internal/core"
)

// AssignRoleByEmailRequest names a user by e-mail and an incident role by
// slug, as people know them; AssignRoleByEmail resolves both to ids.
type AssignRoleByEmailRequest struct {
	Email    string // the user's e-mail address, matched exactly, ignoring case
	RoleSlug string // the incident role's slug, e.g. "commander", matched exactly
}

// AssignRoleByEmail assigns the user with this e-mail address to the
// incident role with this slug. People know each other by e-mail and roles
// by slug; Rootly needs ids. The user is looked up with filter[email]
// (exact match, ignoring case) and the role with filter[slug]; both are
// remembered by the Client for a bounded time (WithLookupCacheTTL). An
// unknown e-mail or slug is an error matching ErrNotFound, and a role the
// account has disabled ("enabled": false) one matching ErrRoleDisabled;
// either way nothing is assigned. Each look-up reads at most
// LookupMaxPages pages.
func (c *Client) AssignRoleByEmail(ctx context.Context, incidentID string, req AssignRoleByEmailRequest) (*Incident, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	email, roleSlug := req.Email, req.RoleSlug
	if err := validateIncidentID("incidentID", incidentID); err != nil {
		return nil, err
	}
	incidentID = core.LowerUUID(incidentID)
	email = strings.TrimSpace(email)
	if email == "" || !strings.Contains(email, "@") || strings.ContainsFunc(email, isSpaceOrControl) {
		return nil, invalid("req.Email", "must be an e-mail address")
	}
	roleSlug = strings.TrimSpace(roleSlug)
	if roleSlug == "" || strings.ContainsFunc(roleSlug, isSpaceOrControl) {
		return nil, invalid("req.RoleSlug", "must be a role slug such as \"commander\"")
	}
	userID, err := c.userIDByEmail(ctx, email)
	if err != nil {
		return nil, err
	}
	roleID, err := c.roleIDBySlug(ctx, roleSlug)
	if err != nil {
		return nil, err
	}
	return c.sendRole(ctx, "assign_role_to_user", http.MethodPost, incidentID, AssignRoleRequest{UserID: userID, IncidentRoleID: roleID})
}

// LookupMaxPages bounds the pages AssignRoleByEmail reads to resolve one
// e-mail or slug: the server filters them, so a real answer fits in a page
// or two, and a server that keeps announcing more pages cannot keep the
// call going. Past it the call fails with an error matching
// ErrUnexpectedResponse.
const LookupMaxPages = 20

func (c *Client) userIDByEmail(ctx context.Context, email string) (string, error) {
	key := "user:" + strings.ToLower(email)
	if id, ok := c.cache.get(key); ok {
		return id, nil
	}
	for u, err := range c.allUsers(ctx, &ListUsersOptions{Email: email}, LookupMaxPages) {
		if err != nil {
			return "", err
		}
		if strings.EqualFold(u.Email, email) {
			c.cache.put(key, u.ID)
			return u.ID, nil
		}
	}
	return "", fmt.Errorf("%s: no user with e-mail %q: %w", pkg, email, ErrNotFound)
}

func (c *Client) roleIDBySlug(ctx context.Context, slug string) (string, error) {
	key := "role:" + slug
	if id, ok := c.cache.get(key); ok {
		return id, nil
	}
	for r, err := range c.allIncidentRoles(ctx, &ListIncidentRolesOptions{Slug: slug}, LookupMaxPages) {
		if err != nil {
			return "", err
		}
		if r.Slug == slug {
			if !r.Enabled && explicitlyDisabled(r.Raw) {
				// Not cached: a role enabled again is found at once.
				return "", roleDisabledError(slug)
			}
			c.cache.put(key, r.ID)
			return r.ID, nil
		}
	}
	return "", fmt.Errorf("%s: no incident role with slug %q: %w", pkg, slug, ErrNotFound)
}

// lookupCache remembers resolved ids for a bounded time and size.
type lookupCache struct {
	ttl time.Duration
	now func() time.Time

	mu sync.Mutex
	m  map[string]cacheEntry
}

type cacheEntry struct {
	id      string
	expires time.Time
}

// maxCacheEntries bounds the cache; past it, expired entries are dropped,
// and if that is not enough the cache starts over.
const maxCacheEntries = 4096

func newLookupCache(ttl time.Duration) *lookupCache {
	return &lookupCache{ttl: ttl, now: time.Now, m: map[string]cacheEntry{}}
}

func (c *lookupCache) get(key string) (string, bool) {
	if c.ttl <= 0 {
		return "", false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || !c.now().Before(e.expires) {
		delete(c.m, key)
		return "", false
	}
	return e.id, true
}

func (c *lookupCache) put(key, id string) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if len(c.m) >= maxCacheEntries {
		for k, e := range c.m {
			if !now.Before(e.expires) {
				delete(c.m, k)
			}
		}
		if len(c.m) >= maxCacheEntries {
			c.m = map[string]cacheEntry{}
		}
	}
	c.m[key] = cacheEntry{id: id, expires: now.Add(c.ttl)}
}

// explicitlyDisabled reports whether a role's resource object says
// "enabled": false; a role that does not say is taken as enabled.
func explicitlyDisabled(raw []byte) bool {
	var doc struct {
		Attributes struct {
			Enabled *bool `json:"enabled"`
		} `json:"attributes"`
	}
	return json.Unmarshal(raw, &doc) == nil && doc.Attributes.Enabled != nil && !*doc.Attributes.Enabled
}

// roleDisabledError is the refusal of a disabled incident role: it
// matches ErrRoleDisabled, and says which role and what to do.
type roleDisabledError string

func (e roleDisabledError) Error() string {
	return fmt.Sprintf("%s: incident role %q is disabled in this Rootly account (enable it, or pick another role)", pkg, string(e))
}

func (e roleDisabledError) Is(target error) bool { return target == ErrRoleDisabled }
