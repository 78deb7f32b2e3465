package tools

import (
	"errors"
	"net/http"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// Talk answers every error with an empty message and data [] (talk/): the
// status code is all there is, so these turn it into the sentence that fits
// the call, instead of the generic "... was not found".

// talkRoomError explains a failure on a conversation by its token.
func talkRoomError(err error, token string) error {
	if nextcloud.StatusOf(err) == http.StatusNotFound {
		return inputErrorf("conversation %s does not exist or you are not in it (HTTP 404): list yours with nc_talk_list_conversations", token)
	}
	return about(err, "conversation %s", token)
}

// talkSendError explains a refused message.
func talkSendError(err error, in TalkSendInput) error {
	switch nextcloud.StatusOf(err) {
	case http.StatusForbidden:
		return inputErrorf("conversation %s is read-only for you (HTTP 403), so nothing was sent: nobody without moderation rights can post there", in.Token)
	case http.StatusBadRequest:
		if in.ReplyTo > 0 {
			return inputErrorf("reply_to %d is not a chat message of conversation %s that can be answered (HTTP 400), so nothing was sent: take an id from nc_talk_read_messages", in.ReplyTo, in.Token)
		}
		return inputErrorf("Talk refused the message (HTTP 400), so nothing was sent: send non-empty text")
	case http.StatusRequestEntityTooLarge:
		return inputErrorf("the message is longer than Talk accepts (HTTP 413), so nothing was sent: split it")
	}
	return talkRoomError(err, in.Token)
}

// talkReactError explains a refused reaction.
func talkReactError(err error, in TalkReactInput) error {
	switch nextcloud.StatusOf(err) {
	case http.StatusNotFound:
		return inputErrorf("message %d is not in conversation %s, or you are not in it (HTTP 404): take an id from nc_talk_read_messages", in.MessageID, in.Token)
	case http.StatusBadRequest:
		return inputErrorf("Talk refused reaction %q on message %d (HTTP 400): react with one emoji to a chat message, not to a system message", in.Reaction, in.MessageID)
	}
	return talkRoomError(err, in.Token)
}

// talkCreateError names the user or group Talk did not find, instead of a
// conversation.
func talkCreateError(err error, in TalkCreateInput, n nextcloud.NewConversation) error {
	var gna *nextcloud.GroupNotAddedError
	if errors.As(err, &gna) {
		if gna.Cleanup != nil {
			return inputErrorf("conversation %s was created but group %q could not be added (%v) nor the conversation deleted again: delete it in Talk", gna.Token, n.Group, gna.Err)
		}
		if nextcloud.StatusOf(err) == http.StatusNotFound {
			return inputErrorf("group %q does not exist (HTTP 404), so no conversation was created: check the group id", n.Group)
		}
		return about(err, "group %q", n.Group)
	}
	switch nextcloud.StatusOf(err) {
	case http.StatusNotFound:
		if n.Type == nextcloud.ConversationOneToOne {
			return inputErrorf("user %q does not exist (HTTP 404), so no conversation was created: find the user id with nc_sharing_search_sharees", n.Invite)
		}
	case http.StatusForbidden:
		if n.Type == nextcloud.ConversationOneToOne {
			return inputErrorf("Talk does not let you start a one-to-one conversation with %q (HTTP 403)", n.Invite)
		}
		return inputErrorf("Talk does not let this account create conversations (HTTP 403): an admin may have limited it to some groups")
	case http.StatusBadRequest:
		return inputErrorf("Talk refused the %s conversation (HTTP 400): give a name of 1 to %d characters", in.Type, talkMaxName)
	}
	return about(err, "the new %s conversation", in.Type)
}
